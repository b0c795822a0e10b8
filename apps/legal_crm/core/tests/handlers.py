"""Event handlers used by the dispatcher's tests (declared in a patched hooks.DOC_EVENTS)."""

CALLS: list[dict] = []


def record(**payload) -> None:
    CALLS.append(payload)


def fail(**payload) -> None:
    raise RuntimeError("handler failed")


FAILURES_LEFT: list[int] = [0]


def flaky(**payload) -> None:
    """Fails while FAILURES_LEFT[0] > 0, then records the call."""
    if FAILURES_LEFT[0] > 0:
        FAILURES_LEFT[0] -= 1
        raise ConnectionError("provider unreachable")
    CALLS.append(payload)


def mark(n: int) -> None:
    """Writes one audit row per call; in a process started with LCRM_TEST_BLOCK_AT=n it hangs at item n (after the
    earlier items' writes, inside the relay's transaction) and signals that through the file LCRM_TEST_SIGNAL."""
    import os
    import time
    from pathlib import Path

    from django.contrib.contenttypes.models import ContentType

    from legal_crm.core.models import AuditLog

    AuditLog.objects.create(action="tests.mark", content_type=ContentType.objects.get_for_model(AuditLog),
                            object_id=str(n))
    if os.environ.get("LCRM_TEST_BLOCK_AT") == str(n):
        Path(os.environ["LCRM_TEST_SIGNAL"]).write_text("blocked")
        time.sleep(600)

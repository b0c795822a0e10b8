"""Event handlers used by the dispatcher's tests (declared in a patched hooks.DOC_EVENTS)."""

CALLS: list[dict] = []


def record(**payload) -> None:
    CALLS.append(payload)


def fail(**payload) -> None:
    raise RuntimeError("handler failed")

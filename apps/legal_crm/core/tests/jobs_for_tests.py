"""Scheduled jobs used by the job log's tests."""


def count_three() -> dict:
    return {"a": 1, "b": 2}


def broken() -> int:
    raise RuntimeError("job broke")

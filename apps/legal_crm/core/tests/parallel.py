"""Run one function from several threads released together, as parallel requests would run it."""

from __future__ import annotations

import threading

from django.db import connections


def at_once(fn, times: int) -> tuple[list, list]:
    """Call fn(i) for i in range(times), each in its own thread (its own database connection), all released by one
    barrier. Returns the results and the exceptions raised, each in the order the threads finished."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(fn(i))
        except Exception as exc:  # the caller's assertions report it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors

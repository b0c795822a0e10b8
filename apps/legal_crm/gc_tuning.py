"""Interpreter settings for long-running web processes: the garbage collector and the GIL's switch interval.

A web process holds a few hundred thousand long-lived objects (Django, the apps, translation catalogues) and
creates as many short-lived ones per desk page. With the default thresholds the collector runs a young
collection every 700 allocations and walks the whole heap every few requests: the lead list took 70 ms, and
every ninth request 250 ms. Freezing what exists after start-up takes it out of every collection, and larger
thresholds make collections rarer; the lead list's p95 fell from about 300 ms to about 100 ms.

A gthread worker's threads share one interpreter: a thread back from a socket (a post's answer from MariaDB or
Redis) waits for the GIL until the thread holding it has run for the switch interval — 5 ms by default, so a post
on the worker rendering a desk page waited about 5 ms after each of its ten round trips. At 0.5 ms the steady
300 posts/s beside the lead list answered with a p99 a fraction of the default's (bench/RESULTS.md, session 34).
"""

import gc
import sys

THRESHOLDS = (50_000, 50, 100)
SWITCH_INTERVAL = 0.0005  # seconds


def tune_for_serving() -> None:
    from django.urls import get_resolver

    get_resolver().check()  # imports every view and admin module now, so they are frozen too
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL)

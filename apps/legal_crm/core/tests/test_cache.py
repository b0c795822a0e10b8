import os

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (CI sets REDIS_URL)")


def test_redis_cache_reuses_one_client_and_round_trips():
    cache = caches["default"]
    client = cache._cache.get_client("a", write=True)
    assert cache._cache.get_client("b", write=True) is client

    cache.set("answer", {"ru": "ответ"}, 30)
    assert cache.get("answer") == {"ru": "ответ"}
    cache.set("counter", 1, 30)
    assert cache.incr("counter") == 2
    cache.delete("answer")
    assert cache.get("answer") is None

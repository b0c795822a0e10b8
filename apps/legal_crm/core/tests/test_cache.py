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


def test_clear_deletes_only_this_caches_keys():
    cache = caches["default"]
    client = cache.redis_client()
    foreign = "test-foreign-key-of-another-process"
    client.set(foreign, "keep", ex=60)
    try:
        cache.set("mine", 1, 30)
        cache.clear()
        assert cache.get("mine") is None
        assert client.get(foreign) == b"keep"
    finally:
        client.delete(foreign)

"""The caches of derived data hold at most so many entries and so many bytes."""

from govwiki.core.bounded_cache import BoundedCache


def _cache(entries=10, size=100):
    return BoundedCache(entries, size, len)


def test_the_least_recently_used_entry_goes_first_when_the_bytes_run_out():
    cache = _cache(size=10)
    cache.put("a", "aaaa")
    cache.put("b", "bbbb")
    assert cache.get("a") == "aaaa"  # now b is the oldest
    cache.put("c", "cccc")
    assert cache.get("b") is None and cache.get("a") == "aaaa" and cache.get("c") == "cccc"
    assert cache.bytes_held == 8


def test_the_entry_count_is_bounded_too():
    cache = _cache(entries=2)
    for key in "abc":
        cache.put(key, key)
    assert cache.keys() == ["b", "c"]


def test_a_value_larger_than_the_budget_is_returned_but_not_kept():
    cache = _cache(size=3)
    assert cache.put("big", "four") == "four"
    assert cache.get("big") is None and len(cache) == 0 and cache.bytes_held == 0


def test_replacing_an_entry_counts_its_bytes_once():
    cache = _cache(size=10)
    cache.put("a", "aaaa")
    cache.put("a", "aaaaaa")
    assert cache.bytes_held == 6 and cache.get("a") == "aaaaaa"


def test_clear_forgets_everything():
    cache = _cache()
    cache.put("a", "a")
    cache.clear()
    assert cache.get("a") is None and cache.bytes_held == 0

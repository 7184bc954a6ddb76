"""The readers' language cache: an entry lasts its time, a change replaces it, and a full
cache forgets its oldest half rather than growing."""

from __future__ import annotations

from handlers.lang_cache import LangCache


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_lasts_its_time_and_a_change_replaces_it() -> None:
    ticks = Ticks()
    cache = LangCache(ttl=60, clock=ticks)
    assert cache.get(("T1", "U1")) is None
    cache.put(("T1", "U1"), "zh")
    ticks.now = 59.9
    assert cache.get(("T1", "U1")) == "zh"
    cache.put(("T1", "U1"), "en")  # `/okr lang en` through this process
    assert cache.get(("T1", "U1")) == "en"
    ticks.now = 120
    assert cache.get(("T1", "U1")) is None  # read the row again
    assert cache.get(("T2", "U1")) is None  # another workspace's U1 is someone else


def test_a_full_cache_forgets_its_oldest_half() -> None:
    cache = LangCache(size=4, clock=Ticks())
    for n in range(5):
        cache.put(("T1", f"U{n}"), "zh")
    assert [cache.get(("T1", f"U{n}")) for n in range(5)] == [None, None, "zh", "zh", "zh"]

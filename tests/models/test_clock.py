from ehdesk.models.clock import HybridClock, Stamp


def test_stamps_keep_increasing_when_the_laptop_clock_goes_back():
    wall = [10_000]
    clock = HybridClock("device-a", now_ms=lambda: wall[0])
    first = clock.now()
    wall[0] = 5_000  # clock corrected backwards
    second = clock.now()
    assert second > first
    assert Stamp.decode(second).wall_ms == 10_000


def test_a_remote_stamp_moves_the_clock_past_it():
    clock = HybridClock("device-a", now_ms=lambda: 1_000)
    clock.observe(HybridClock("device-b", now_ms=lambda: 9_000).now())
    assert Stamp.decode(clock.now()).wall_ms == 9_000


def test_a_reopened_store_never_stamps_earlier_than_before(profiles, monkeypatch):
    from ehdesk.models.clock import Stamp as S

    profiles.create("Jo Pearce", "correct horse battery")
    store = profiles.unlock("Jo Pearce", "correct horse battery")
    store.clock._now_ms = lambda: 50_000_000
    last = store.clock.now()
    store.close()
    reopened = profiles.unlock("Jo Pearce", "correct horse battery")
    reopened.clock._now_ms = lambda: 1_000  # the laptop's clock was set back
    assert S.decode(reopened.clock.now()) > S.decode(last)
    reopened.close()

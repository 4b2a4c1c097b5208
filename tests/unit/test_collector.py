"""The collector held back for a job lasts as long as the job, and leaves a freeze alone."""

from __future__ import annotations

import gc

import pytest

from aftersales.services.collector import fewer_collections


def test_the_run_freezes_what_is_alive_and_gives_everything_back() -> None:
    before = gc.get_threshold()
    with pytest.raises(KeyboardInterrupt), fewer_collections():
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] == 50_000
        raise KeyboardInterrupt
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)


def test_objects_a_caller_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()  # frozen objects may still die, so the count only falls
        fresh = [[] for _ in range(1000)]  # a second freeze would take these too
        with fewer_collections():
            assert gc.get_freeze_count() <= frozen
        assert 0 < gc.get_freeze_count() <= frozen and fresh  # not unfrozen either
    finally:
        gc.unfreeze()


def test_a_job_inside_another_leaves_the_collector_as_the_outer_one_set_it() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        frozen, threshold = gc.get_freeze_count(), gc.get_threshold()
        gc.set_threshold(60_000, 20, 20)  # what the outer job holds, whatever it is
        with fewer_collections():
            assert gc.get_threshold() == (60_000, 20, 20)
        assert gc.get_threshold() == (60_000, 20, 20) and gc.get_freeze_count() <= frozen
        gc.set_threshold(*threshold)
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)

"""A web worker's warm-up (learnweek/core/warm.py) leaves what it loaded out of the garbage
collector's full collections, which otherwise stop every thread of the worker for a while."""

import gc

from learnweek.core import warm


def test_what_the_warm_up_loaded_is_frozen_out_of_full_collections():
    assert gc.get_freeze_count() == 0
    try:
        warm._freeze()
        assert gc.get_freeze_count() > 10_000  # the modules and everything they hold
        assert len(gc.get_objects(generation=2)) < 100  # what a full collection would walk
    finally:
        gc.unfreeze()

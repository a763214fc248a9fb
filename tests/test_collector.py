"""The garbage collector paused around code that makes many objects, and what a promoted block leaves."""

import gc
import weakref

from lithiumgraph.collector import collector_paused


class _Node:
    other: object = None


def _oldest(obj) -> bool:
    return any(o is obj for o in gc.get_objects(generation=2))


def test_a_paused_block_turns_the_collector_back_on_and_a_promoted_one_moves_what_it_made_to_the_oldest():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        kept = [[i] for i in range(5000)]
    assert gc.isenabled() and len(kept) == 5000
    with collector_paused(promote=True):
        kept = [[i] for i in range(5000)]
        a, b = _Node(), _Node()
        a.other, b.other = b, a  # a garbage cycle
        gone = weakref.ref(a)
        del a, b
    assert gc.isenabled() and _oldest(kept) and len(kept) == 5000
    gc.collect()  # the cycle waits for a full collection
    assert gone() is None


def test_a_promoted_block_leaves_what_others_froze_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused(promote=True):
            kept = [[i] for i in range(100)]
        assert gc.get_freeze_count() == frozen and len(kept) == 100
    finally:
        gc.unfreeze()

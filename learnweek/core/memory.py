"""Bulk work that holds many objects at once.

An import of 100,000 rows keeps a few million small objects alive until it writes them (the rows
read, the preview's decoded JSON, the values to COPY). Python's cyclic garbage collector runs
every few hundred allocations and, as the heap grows, walks all of them again and again while
finding nothing to free: they are alive, and reference counting frees what is not. Measured on
the 附表1 import: 26 % of 确认导入 and a third of the preview's making (docs/performance.md).
``collections_paused`` switches the collector off for such a block and back on after it.

The switch is process-wide (the collector has no per-thread setting): another request of the same
worker runs the block's seconds without cyclic collection, and reference counting still frees
everything that is not a cycle. Blocks may nest and overlap in threads; the collector comes back
on when the last one ends, and only if it was on when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collections_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()

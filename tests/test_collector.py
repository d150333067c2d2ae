"""curation.collector: the cyclic garbage collector off around a partition's work, back as it was after."""

from __future__ import annotations

import gc
import pickle

from curation.collector import without_collections
from curation.export.rows import rows_part
from curation.export.scan import scan_part


@without_collections
def _collector_state() -> bool:
    return gc.isenabled()


def test_the_collector_is_off_inside_and_back_after() -> None:
    assert gc.isenabled()
    assert _collector_state() is False
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    try:
        _collector_state()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_passes_still_go_to_workers_by_reference() -> None:
    for func in (scan_part, rows_part):
        assert pickle.loads(pickle.dumps(func)) is func

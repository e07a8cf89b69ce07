"""The worker's memory tuning (app.kit.memory): the allocator's, applied where glibc is and
harmless elsewhere; the garbage collector's, which leaves start-up's objects out."""

import ctypes.util
import gc
import platform

import pytest

from app.kit import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_glibc_takes_the_tuning():
    assert memory.tune_malloc() is True
    assert memory.tune_malloc() is True  # again, as a second app in one process would


def test_without_a_c_library_nothing_changes(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert memory.tune_malloc() is False


def test_a_c_library_without_mallopt_is_left_alone(monkeypatch: pytest.MonkeyPatch):
    class NoMallopt:
        def __init__(self, name: str) -> None:
            pass

    monkeypatch.setattr(ctypes.util, "find_library", lambda name: "libc.so.6")
    monkeypatch.setattr(memory.ctypes, "CDLL", NoMallopt)
    assert memory.tune_malloc() is False


def test_objects_alive_at_start_are_left_out_of_collections():
    kept: list[object] = []  # a container alive before the freeze, and after
    try:
        frozen = memory.freeze_startup_objects()
        assert frozen == gc.get_freeze_count() > 0
        assert not any(kept is o for o in gc.get_objects())  # no generation holds it
        made_later: list[object] = []  # made after the freeze: collected as usual
        assert any(made_later is o for o in gc.get_objects(0))
    finally:
        gc.unfreeze()
    assert any(kept is o for o in gc.get_objects())


def test_the_youngest_objects_are_collected_less_often():
    before = gc.get_threshold()
    try:
        memory.collect_young_less_often()
        assert gc.get_threshold() == (memory.YOUNG_THRESHOLD, *before[1:])
        assert memory.YOUNG_THRESHOLD > before[0]
    finally:
        gc.set_threshold(*before)

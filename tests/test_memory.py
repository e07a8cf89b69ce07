"""The worker's allocator tuning (app.kit.memory): applied where glibc is, harmless elsewhere."""

import ctypes.util
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

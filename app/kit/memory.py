"""A worker's memory, tuned once when it starts: how the C allocator hands memory back, and
what the garbage collector walks.

A report over tens of thousands of zones makes large, short-lived buffers (the driver's result,
the written answer). glibc serves a large block from its own mapping and unmaps it when freed,
but after the first such free it raises that size threshold (up to 32 MiB), so later buffers
come from the heap, whose freed holes the next report rarely fits: a worker answering the 10x
reports one after another grew from 134 to 149 MB at its peak over three rounds. With the
threshold held at 128 KiB, and two allocator arenas instead of eight per core for the worker's
threads, the same rounds peaked at 128-131 MB.

Only where the C library is glibc (Debian, the image): elsewhere nothing changes.

The cyclic garbage collector's full collection walks every object alive, the worker's
modules, application, schemas and statements included, and a request waits for it: a report
that set one off took 105-117 ms instead of 21. The objects made at start live as long as the
worker, so they are frozen out of its sight (`gc.freeze`); the slowest of 100 national
occupancy reports then took 28-41 ms.
"""

import ctypes
import ctypes.util
import gc

# mallopt(3) parameters
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 128 * 1024
ARENAS = 2


def tune_malloc() -> bool:
    """Hold glibc's mmap threshold and cap its arenas; False where there is no mallopt."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(
        mallopt(M_ARENA_MAX, ARENAS)
    )


def freeze_startup_objects() -> int:
    """Leave every object alive now out of the garbage collector's collections (they live as
    long as the worker); how many that is."""
    gc.collect()  # what start-up left unreachable is freed, not frozen
    gc.freeze()
    return gc.get_freeze_count()

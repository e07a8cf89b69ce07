"""A worker's memory, tuned once when it starts: how the C allocator hands memory back, and
what the garbage collector walks.

A report over tens of thousands of zones makes large, short-lived buffers (the driver's result,
the written answer). glibc serves a large block from its own mapping and unmaps it when freed,
but after the first such free it raises that size threshold (up to 32 MiB), so later buffers
come from the heap, whose freed holes the next report rarely fits: a worker answering the 10x
reports one after another grew from 134 to 149 MB at its peak over three rounds. With the
threshold held at 128 KiB, and two allocator arenas instead of eight per core for the worker's
threads, the same rounds peaked at 128-131 MB.

With two arenas the peak still depended on which of the worker's threads answered which
report: each arena keeps its own free holes, and a report served from the other arena's
thread grew that one too. The same sequence of 10x PostgreSQL reports (occupancy, then the
history, then occupancy again, clearance, the summary) peaked at 128-145 MB from one run to
the next. With one arena every thread allocates from the same heap and reuses the same holes:
three runs peaked at 128-129 MB. The threads hardly contend for it: only one of them runs
Python at a time, and each keeps a cache of small blocks of its own.

Only where the C library is glibc (Debian, the image): elsewhere nothing changes.

The cyclic garbage collector's full collection walks every object alive, the worker's
modules, application, schemas and statements included, and a request waits for it: a report
that set one off took 105-117 ms instead of 21. The objects made at start live as long as the
worker, so they are frozen out of its sight (`gc.freeze`); the slowest of 100 national
occupancy reports then took 28-41 ms.

The collector also looks at the youngest objects each time 700 more containers are alive than
before (Python's default). A national report makes tens of thousands (its rows, their lists
and dictionaries), most freed by their reference counts before the collector could matter:
at 700 it set off ten collections per report, 0.3-0.7 ms of a 22-25 ms report (measured over
HTTP, workers side by side on one database). A collection only frees reference cycles, which
a request rarely makes, so the worker waits for 50,000.
"""

import ctypes
import ctypes.util
import gc

# mallopt(3) parameters
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 128 * 1024
# One arena for all the worker's threads (see above).
ARENAS = 1
# New containers alive before the collector looks at the youngest (Python's default: 700).
YOUNG_THRESHOLD = 50_000


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


def collect_young_less_often() -> None:
    """Let 50,000 new containers, not 700, pile up before a collection of the youngest; the
    older generations keep their thresholds."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)

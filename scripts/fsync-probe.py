#!/usr/bin/env python3
"""How long the disk takes to make a small append durable: the floor under every SQLite
commit with synchronous = FULL (the WAL is appended, then fsync'd). Used by the booking
benchmark's notes in docs/benchmarks.md.

    python3 scripts/fsync-probe.py [DIR]    # DIR: where the database lives (default /tmp)
"""
import os
import statistics
import sys
import time

directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
path = os.path.join(directory, f"onsite-fsync-probe-{os.getpid()}.bin")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
samples = []
try:
    for _ in range(300):
        os.write(fd, b"x" * 4096)
        started = time.perf_counter()
        os.fsync(fd)
        samples.append((time.perf_counter() - started) * 1000)
finally:
    os.close(fd)
    os.unlink(path)
samples.sort()
print(
    f"fsync after a 4 KiB append, n={len(samples)}: median {statistics.median(samples):.3f} ms"
    f"  p90 {samples[int(0.9 * len(samples))]:.3f} ms  max {samples[-1]:.3f} ms"
)

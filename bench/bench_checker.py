"""Benchmark: seconds to check the whole departmental final account (002_…txt, ~30 pages of reports).

Run: .venv/bin/python bench/bench_checker.py [FILE] [--repeat N]
Prints the best and median wall-clock time of N runs (default 5) and the report's size. Target: < 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from assistant.checking import check_file

DEFAULT = Path(__file__).resolve().parents[1] / "knowledge" / "corpus" / "002_f84e214cba968578.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    times, cpu = [], []
    report = None
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = check_file(args.file)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    assert report is not None
    s = report.stats
    print(
        f"file: {args.file.name} ({args.file.stat().st_size // 1024} KB, {s.parts} parts, {s.tables} tables)"
    )
    print(f"numbers {s.numbers}, traced {s.traced}, findings {len(report.findings)} ({s.errors} errors)")
    print(
        f"wall: best {min(times):.2f} s, median {statistics.median(times):.2f} s over {args.repeat} runs (target < 3 s)"
    )
    print(f"cpu:  best {min(cpu):.2f} s (wall time grows when other processes share the 2 cores)")


if __name__ == "__main__":
    main()

"""Benchmarks of the reviewer's checker, the figures `pe-assistant bench` reports (targets in brackets).

Run: .venv/bin/python bench/bench_checker.py [--forms N] [--skip-docx]

1. The whole departmental final account knowledge/corpus/002_…txt (~30 pages of reports and forms) checked
   in one call [< 3 s].
2. A batch of N self-evaluation forms (default 100: the gold cases' offline-drafted forms as .md and .docx,
   and the received forms of evals/forms/dev as Word, PDF, Excel and web text, taken in turn) reviewed like
   `pe-assistant check FOLDER --out 复核汇总.xlsx`, workbook included [100 forms ≤ 30 s].
3. The first review of an uploaded ~30-page DOCX in a fresh Python process — imports, reading and checking
   included, as a workbench's first click pays them [≤ 5 s].
Wall time on a shared machine grows with other processes' load.
"""

from __future__ import annotations

import argparse

from assistant.benchmarks import bench_checker


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--forms", type=int, default=100)
    parser.add_argument("--skip-docx", action="store_true")
    args = parser.parse_args()
    for f in bench_checker(forms=args.forms, first_review=not args.skip_docx):
        meets = "" if f.meets_target is None else ("（达标）" if f.meets_target else "（未达标）")
        base = f"；对照 {f.baseline} {f.baseline_value}" if f.baseline else ""
        print(f"{f.name}: {f.value} {f.unit}{base}；目标 {f.target or '—'}{meets}；{f.note or ''}")


if __name__ == "__main__":
    main()

"""Benchmarks of the reviewer's checker (targets in brackets).

Run: .venv/bin/python bench/bench_checker.py [--repeat N] [--forms N] [--skip-docx]

1. The whole departmental final account knowledge/corpus/002_…txt (~30 pages of reports, 34 forms and
   reports) checked in one call [< 3 s].
2. A batch of N self-evaluation forms (default 100: every offline-drafted gold-case form, copied round-robin
   into a folder, half as .md and half as .docx) reviewed like `pe-assistant check FOLDER --out 复核汇总.xlsx`,
   workbook included [100 forms ≤ 30 s].
3. The first review of an uploaded 30-page DOCX in a fresh Python process — imports, reading and checking
   included, as a workbench's first click pays them [≤ 5 s].
Wall time is printed beside CPU time: on a shared machine the wall time grows with other processes' load.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "knowledge" / "corpus" / "002_f84e214cba968578.txt"
LONG_REPORT = ROOT / "knowledge" / "corpus" / "003_55fce2e1387b634e.txt"


def bench_corpus(repeat: int) -> None:
    from assistant.checking import check_file

    times, cpu = [], []
    report = None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = check_file(CORPUS)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    assert report is not None
    s = report.stats
    print(f"1. {CORPUS.name} ({CORPUS.stat().st_size // 1024} KB, {s.parts} parts, {s.tables} tables)")
    print(f"   numbers {s.numbers}, traced {s.traced}, findings {len(report.findings)} ({s.errors} errors)")
    print(f"   wall best {min(times):.2f} s, median {statistics.median(times):.2f} s; cpu best {min(cpu):.2f} s")


def _form_drafts() -> list[tuple[str, object]]:
    """(name, Report) of every gold self-evaluation case drafted offline."""
    from assistant.case_io import load_case
    from assistant.drafting import draft_self_evaluation
    from assistant.scoring import score_case

    out = []
    for path in sorted((ROOT / "evals" / "cases").glob("se*.yaml")):
        case = load_case(path)
        out.append((path.stem, draft_self_evaluation(case, score_case(case))))
    return out


def bench_forms(n: int) -> None:
    from assistant.checking import check_file
    from assistant.checking.batch import expand, review_all
    from assistant.checking.workbook import write_workbook
    from assistant.export import to_markdown, write_report

    drafts = _form_drafts()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "forms"
        folder.mkdir()
        for k in range(n):
            name, report = drafts[k % len(drafts)]
            if k % 2:
                write_report(report, folder / f"{k:03d}_{name}.docx")
            else:
                (folder / f"{k:03d}_{name}.md").write_text(to_markdown(report), encoding="utf-8")
        started, started_cpu = time.perf_counter(), time.process_time()
        reviews = list(review_all(expand([folder]), check_file))
        write_workbook(reviews, Path(tmp) / "复核汇总.xlsx")
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    failed = sum(1 for r in reviews if r.error)
    findings = sum(len(r.report.findings) for r in reviews if r.report)
    print(f"2. batch of {len(reviews)} forms (.md and .docx) with summary workbook: {findings} findings, {failed} failed")
    print(f"   wall {wall:.2f} s, cpu {cpu:.2f} s (target ≤ 30 s)")


def _long_docx(path: Path) -> Path:
    """A ~30-page DOCX made from a real report's text: its paragraphs and tab-separated tables."""
    import docx

    text = LONG_REPORT.read_text(encoding="utf-8")
    document = docx.Document()
    pending: list[list[str]] = []

    def flush() -> None:
        if pending:
            width = max(len(r) for r in pending)
            table = document.add_table(rows=len(pending), cols=width)
            for r, row in enumerate(pending):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            pending.clear()

    for line in text.splitlines():
        if "\t" in line:
            pending.append(line.split("\t"))
        elif line.strip():
            flush()
            document.add_paragraph(line.strip())
    flush()
    document.save(str(path))
    return path


_FIRST_REVIEW = """
import sys, time
started = time.perf_counter()
from assistant.checking import check_document, read_document
report = check_document(read_document(sys.argv[1]))
print(f"{time.perf_counter() - started:.3f} {time.process_time():.3f} {report.stats.numbers} {len(report.findings)}")
"""


def bench_first_docx() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _long_docx(Path(tmp) / "report.docx")
        kb = path.stat().st_size // 1024
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _FIRST_REVIEW, str(path)], capture_output=True, text=True, check=True, cwd=ROOT
        )
        total = time.perf_counter() - started
    inner, cpu, numbers, findings = out.stdout.split()
    print(f"3. first review of a {kb} KB DOCX (~30 pages) in a fresh process: {numbers} numbers, {findings} findings")
    print(f"   import + read + check {float(inner):.2f} s (cpu {float(cpu):.2f} s), process {total:.2f} s (target ≤ 5 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--forms", type=int, default=100)
    parser.add_argument("--skip-docx", action="store_true")
    args = parser.parse_args()
    bench_corpus(args.repeat)
    bench_forms(args.forms)
    if not args.skip_docx:
        bench_first_docx()


if __name__ == "__main__":
    main()

"""`python -m knowledge [PATH...]`: show how files are split, structured and chunked, with timings.

Without PATH it reads the shipped corpus. `--outline` prints each document's headings, `--chunks` every
chunk. Useful to check a new file before ingesting it, and to measure the chunker.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from assistant.errors import InputError

from . import DEFAULT_MAX_CHARS, SUPPORTED_SUFFIXES, chunk_document, default_corpus_dir, parse_file

_TYPE_NAMES = {
    "policy": "政策",
    "report": "评价报告",
    "self_evaluation": "自评表",
    "final_accounts": "部门决算",
    "other": "其他",
}


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(path)
    return files


def _percentile(values: list[int], share: float) -> int:
    return values[min(len(values) - 1, int(share * len(values)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="查看文件的拆分、结构与分块结果")
    parser.add_argument("paths", nargs="*", type=Path, help="文件或文件夹（默认：内置语料）")
    parser.add_argument("--outline", action="store_true", help="列出每个文档的标题层级")
    parser.add_argument("--chunks", action="store_true", help="打印每个片段")
    parser.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="片段最大字数")
    args = parser.parse_args(argv)

    lengths: list[int] = []
    documents = 0
    failed = 0
    started = time.perf_counter()
    for path in _files(args.paths or [default_corpus_dir()]):
        file_started = time.perf_counter()
        try:
            docs = parse_file(path)
        except InputError as error:
            print(f"已跳过 {path.name}：{error}", file=sys.stderr)
            failed += 1
            continue
        chunks = [[chunk for chunk in chunk_document(doc, args.max_chars)] for doc in docs]
        seconds = time.perf_counter() - file_started
        total = sum(len(c) for c in chunks)
        print(f"{path.name}：{len(docs)} 个文档，{total} 个片段，{seconds:.2f} 秒")
        for doc, doc_chunks in zip(docs, chunks, strict=True):
            kind = _TYPE_NAMES[doc.doc_type]
            print(
                f"  [{doc.index}] {kind}｜{doc.year or '—'}｜{doc.unit or '—'}｜{doc.title}｜{len(doc_chunks)} 个片段"
            )
            if args.outline:
                for block in doc.blocks:
                    if block.kind == "heading":
                        print("      " + "  " * (len(block.heading_path) - 1) + block.text)
            if args.chunks:
                for chunk in doc_chunks:
                    label = "表格" if chunk.is_table else "段落"
                    print(
                        f"    --- #{chunk.position} {label} {chunk.section or '（无标题）'} [{len(chunk.text)} 字]"
                    )
                    print("    " + chunk.text.replace("\n", "\n    "))
            lengths.extend(len(chunk.text) for chunk in doc_chunks)
        documents += len(docs)
    lengths.sort()
    elapsed = time.perf_counter() - started
    print(f"合计：{documents} 个文档，{len(lengths)} 个片段，用时 {elapsed:.2f} 秒", end="")
    print(f"，跳过 {failed} 个文件" if failed else "")
    if lengths:
        print(
            f"片段字数：最小 {lengths[0]}，P10 {_percentile(lengths, 0.1)}，中位 {_percentile(lengths, 0.5)}，"
            f"P90 {_percentile(lengths, 0.9)}，最大 {lengths[-1]}，平均 {statistics.mean(lengths):.0f}"
        )
    return 1 if failed and not lengths else 0


if __name__ == "__main__":
    sys.exit(main())

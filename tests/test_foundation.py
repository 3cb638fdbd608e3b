"""The package installs, its settings read the environment, and writes are atomic."""

from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from assistant.settings import Settings
from assistant.storage import atomic_write_text


def test_cli_help_lists_commands():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "eval" in result.output


def test_settings_read_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PE_ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PE_ASSISTANT_LLM_BASE_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("PE_ASSISTANT_LLM_MODEL", "qwen2.5")
    s = Settings()
    assert s.data_dir == tmp_path
    assert s.index_dir == tmp_path / "index"
    assert s.drafter_kind == "llm"


def test_settings_default_to_offline_drafter(monkeypatch):
    monkeypatch.delenv("PE_ASSISTANT_LLM_BASE_URL", raising=False)
    assert Settings(_env_file=None).drafter_kind == "offline"


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path):
    target = tmp_path / "sub" / "case.yaml"
    atomic_write_text(target, "第一版")
    atomic_write_text(target, "第二版")
    assert target.read_text(encoding="utf-8") == "第二版"
    assert [p.name for p in target.parent.iterdir()] == ["case.yaml"]

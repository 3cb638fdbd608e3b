"""The app shell and `pe-assistant serve`: tabs build, login parsing, CLI options reach the launcher."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import InputError
from assistant.settings import Settings
from ui.app import build_app, parse_auth
from ui.services import Services
from ui.tab_settings import model_description, rebuild, status_markdown


@pytest.mark.parametrize(
    ("auth", "expected"),
    [(None, None), ("", None), ("finance:secret", ("finance", "secret")), ("a:b:c", ("a", "b:c"))],
)
def test_parse_auth(auth, expected):
    assert parse_auth(auth) == expected


@pytest.mark.parametrize("auth", ["finance", ":secret", "finance:"])
def test_bad_auth_is_a_chinese_input_error(auth):
    with pytest.raises(InputError, match="用户名:密码"):
        parse_auth(auth)


def test_build_app_has_every_tab(tmp_path):
    demo = build_app(Settings(data_dir=tmp_path, _env_file=None))
    labels = [b.label for b in demo.blocks.values() if type(b).__name__ == "Tab"]
    assert labels == ["问答", "项目录入", "评分", "起草", "审核", "导出", "设置与帮助"]


def test_serve_passes_options_to_the_launcher(monkeypatch):
    calls = []
    monkeypatch.setattr("ui.app.launch", lambda settings, host, port, auth=None: calls.append((host, port, auth)))
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8123", "--auth", "u:p"])
    assert result.exit_code == 0, result.output
    assert calls == [("0.0.0.0", 8123, "u:p")]
    assert "http://0.0.0.0:8123" in result.output


def test_serve_defaults_come_from_settings(monkeypatch):
    calls = []
    monkeypatch.setenv("PE_ASSISTANT_PORT", "7999")
    monkeypatch.setenv("PE_ASSISTANT_AUTH", "clerk:pw")
    from assistant.settings import get_settings

    get_settings.cache_clear()
    monkeypatch.setattr("ui.app.launch", lambda settings, host, port, auth=None: calls.append((host, port, auth)))
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert calls == [("127.0.0.1", 7999, "clerk:pw")]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "离线模式"),
        ({"llm_base_url": "http://localhost:11434/v1", "llm_model": "qwen2.5:7b"}, "qwen2.5:7b"),
        ({"gguf_path": "/models/q.gguf"}, "GGUF"),
    ],
)
def test_model_description(env, expected, tmp_path):
    assert expected in model_description(Settings(data_dir=tmp_path, _env_file=None, **env))


def test_status_before_and_during_a_build(tmp_path):
    services = Services(Settings(data_dir=tmp_path, _env_file=None))
    assert "尚未建立" in status_markdown(services)
    services.index_status = "⏳ 正在建立知识库：已处理 1 / 4 个文件"
    assert "已处理 1 / 4" in status_markdown(services)


def test_rebuild_refuses_while_another_build_runs(tmp_path):
    services = Services(Settings(data_dir=tmp_path, _env_file=None))
    services.ingest_lock.acquire()
    try:
        assert "正在建立中" in list(rebuild([], services))[-1]
    finally:
        services.ingest_lock.release()

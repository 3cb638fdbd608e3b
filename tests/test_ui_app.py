"""The app shell and `pe-assistant serve`: tabs build, login parsing, CLI options reach the launcher."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import InputError
from assistant.settings import Settings
from ui.app import build_app, index_banner, launch, parse_auth
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
    monkeypatch.setattr(
        "ui.app.launch", lambda settings, host, port, auth=None: calls.append((host, port, auth))
    )
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
    monkeypatch.setattr(
        "ui.app.launch", lambda settings, host, port, auth=None: calls.append((host, port, auth))
    )
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert calls == [("127.0.0.1", 7999, "clerk:pw")]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "离线模式"),
        ({"llm_base_url": "http://localhost:11434/v1", "llm_model": "qwen2.5:7b"}, "qwen2.5:7b"),
        ({"gguf_path": "/models/q.gguf"}, "本机模型文件：q.gguf"),
    ],
)
def test_model_description(env, expected, tmp_path):
    assert expected in model_description(Settings(data_dir=tmp_path, _env_file=None, **env))


def test_status_before_and_during_a_build(tmp_path):
    services = Services(Settings(data_dir=tmp_path, _env_file=None))
    assert "尚未建立" in status_markdown(services)
    services.index_status = "⏳ 正在建立知识库：已处理 1 / 4 个文件\n\n- a.txt：新增"
    status = status_markdown(services)
    assert "已处理 1 / 4 个文件（a.txt：新增）" in status
    assert "\n- a.txt" not in status  # one list item, not a stray bullet


def test_rebuild_refuses_while_another_build_runs(tmp_path):
    services = Services(Settings(data_dir=tmp_path, _env_file=None))
    services.ingest_lock.acquire()
    try:
        assert "正在建立中" in list(rebuild([], services))[-1]
    finally:
        services.ingest_lock.release()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("", ""),
        (
            "⏳ 正在更新知识库：已处理 1 / 4 个文件，已用 3 秒\n\n- a.txt：新增",
            "正在更新知识库：已处理 1 / 4 个文件，已用 3 秒……建立期间",
        ),
        ("知识库建立失败：磁盘已满", "❌ 知识库建立失败：磁盘已满。可在“设置与帮助”页"),
        ("⏳ 即将建立知识库……", "即将建立知识库……建立期间"),
    ],
)
def test_index_banner_shows_the_first_progress_line(status, expected, tmp_path):
    services = Services(Settings(data_dir=tmp_path, _env_file=None))
    services.index_status = status
    banner = index_banner(services)
    assert banner.startswith(expected) if expected else banner == ""
    assert "\n" not in banner


@pytest.mark.parametrize(("cli_auth", "shown"), [("finance:secret", "已启用"), (None, "未启用")])
def test_launch_tells_the_settings_tab_about_a_cli_login(cli_auth, shown, tmp_path, monkeypatch):
    """`--auth` given on the command line (not in settings) still shows as 登录：已启用, never the password."""
    seen = {}

    def fake_build(settings, services):
        seen["status"] = status_markdown(services)
        seen["launch"] = {}

        class Demo:
            def launch(self, **kwargs):
                seen["launch"] = kwargs

            def block_thread(self):
                pass

        return Demo()

    monkeypatch.setattr("ui.app.build_app", fake_build)
    monkeypatch.setattr("ui.services.Services.start_background_index", lambda self: False)
    monkeypatch.setattr("ui.jobs.warm_up", lambda: None)
    launch(Settings(data_dir=tmp_path, _env_file=None), host="127.0.0.1", port=7000, auth=cli_auth)
    assert f"登录**：{shown}" in seen["status"]
    assert "secret" not in seen["status"]
    auth = seen["launch"]["auth"]
    if cli_auth:  # the start-up user is an administrator in the database; logins are checked there
        assert auth("finance", "secret") and not auth("finance", "wrong")
    else:
        assert auth is None
    assert seen["launch"]["quiet"] is True
    assert seen["launch"]["max_file_size"] == "50mb"


def test_no_api_description_is_published(tmp_path):
    demo = build_app(Settings(data_dir=tmp_path, _env_file=None))
    assert demo.get_api_info()["named_endpoints"] == {}


def test_the_guard_refuses_reset_and_cancel_without_a_session(tmp_path):
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from ui.guard import SessionGuard

    inner = Starlette(
        routes=[Route("/gradio_api/cancel", lambda r: PlainTextResponse("ok"), methods=["POST"])]
    )
    inner.auth = object()
    inner.cookie_id = "x"
    inner.tokens = {"good": "finance"}

    guarded = SessionGuard(inner)

    async def app(scope, receive, send):  # as in Starlette: the app is in the scope before any middleware
        scope["app"] = inner
        await guarded(scope, receive, send)

    client = TestClient(app)
    refused = client.post("/gradio_api/cancel")
    assert refused.status_code == 401 and "请先登录" in refused.text
    client.cookies.set("access-token-x", "good")
    assert client.post("/gradio_api/cancel").text == "ok"


def test_the_knowledge_base_is_loaded_once_in_the_background_and_a_question_waits_for_it(
    tmp_path, monkeypatch
):
    import threading

    from ui.services import WARM_UP_QUERY, Services

    searched: list[str] = []
    release = threading.Event()

    class Retriever:
        def search(self, query, k=5):
            release.wait(30)
            searched.append(query)
            return []

    monkeypatch.setattr("ui.knowledge.is_built", lambda settings: True)
    monkeypatch.setattr("assistant.retrieval.get_retriever", lambda settings: Retriever())
    monkeypatch.setattr("assistant.answering.answer_question", lambda q, retriever: retriever.search(q))
    services = Services(Settings(data_dir=tmp_path, _env_file=None))
    assert services.warm_retriever() is True
    assert services.warm_retriever() is False  # once per running workbench
    asked = threading.Thread(target=lambda: services.retriever().search("问题"))
    asked.start()
    release.set()
    asked.join(30)
    assert searched == [WARM_UP_QUERY, "问题"]  # the question's search ran after the loading search

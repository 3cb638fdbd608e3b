"""A bureau's deployment for real: PostgreSQL (Debian's package) and a Chroma server (``chroma run``) shared by
two workbench processes and the command line, each process with its own data folder as on its own machine.

What one process writes the others see: a report ingested from the command line is found by a workbench that
had already loaded the knowledge base (no stale keyword index); users added on one workbench log in on the
other; each user sees their own projects, and a project shared with them, never another user's."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from service_fixtures import free_port

REPO = Path(__file__).resolve().parent.parent
CLI = "import sys; from assistant.cli import main; sys.argv[0] = 'pe-assistant'; main()"
ADMIN = ("admin", "admin-pw-1")

POLICY = """关于做好部门项目支出绩效自评工作的通知

一、自评范围
各预算单位对上年度全部项目支出开展绩效自评，自评结果于每年三月底前报送财政部门。

二、评分要求
预算执行率指标分值为10分，按执行率乘以分值计算得分。
"""

# A report that arrives later, with a name no other document has.
LATE_REPORT = """青禾区智慧停车改造项目绩效评价报告

一、项目概况
青禾区智慧停车改造项目由区城市管理局实施，年度预算资金860万元。

二、绩效目标完成情况
项目新增智能泊位1260个，泊位周转率提高到每日4.2次。
"""
LATE_QUESTION = "青禾区智慧停车改造项目新增了多少智能泊位？"

pytestmark = pytest.mark.slow


def run_cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CLI, *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


class Workbench:
    """One `pe-assistant serve` process with login."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CLI, "serve", "--port", str(self.port), "--auth", ":".join(ADMIN)],
            env=env,
            stdout=open(log, "wb"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"workbench exited:\n{self.log.read_text(errors='replace')[-3000:]}")
            if "工作台已就绪" in self.log.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise AssertionError(f"workbench not ready:\n{self.log.read_text(errors='replace')[-3000:]}")

    def login(self, username: str, password: str):
        from gradio_client import Client

        return Client(self.url, auth=(username, password), verbose=False)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def ask(client, question: str) -> str:
    """The workbench's answer (with its sources) to ``question``."""
    job = client.submit(question, [], api_name="/_ask")
    job.result(timeout=180)
    answers = [
        part["text"]
        for history, _ in (o for o in job.outputs() if isinstance(o[0], list))
        for message in history[-1:]
        for part in message["content"]
        if message["role"] == "assistant"
    ]
    assert answers, job.outputs()
    return answers[-1]


def projects(client) -> list[tuple[str, str]]:
    """(label, id) of the projects this user can open."""
    return [tuple(c) for c in client.predict(api_name="/_choices")["choices"]]


def test_two_workbenches_and_the_cli_share_one_database_and_one_knowledge_base(
    postgres_server, chroma_server, tmp_path
):
    base = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PE_ASSISTANT_DATABASE_URL": postgres_server,
        "PE_ASSISTANT_CHROMA_URL": chroma_server,
        "PE_ASSISTANT_CHROMA_PREFIX": f"b{uuid.uuid4().hex[:8]}",
    }
    for name in ("PE_ASSISTANT_LLM_BASE_URL", "PE_ASSISTANT_LLM_MODEL", "PE_ASSISTANT_AUTH"):
        base.pop(name, None)

    def machine(name: str) -> dict[str, str]:
        return {**base, "PE_ASSISTANT_DATA_DIR": str(tmp_path / name)}

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notice.txt").write_text(POLICY, encoding="utf-8")
    run_cli(machine("cli"), "ingest", str(corpus))

    first, second = (Workbench(machine(n), tmp_path / f"{n}.log") for n in ("wb1", "wb2"))
    try:
        first.wait_ready()
        second.wait_ready()

        # Users added on either workbench log in on the other.
        admin1, admin2 = first.login(*ADMIN), second.login(*ADMIN)
        assert (
            "已添加用户 zhang"
            in admin1.predict("zhang", "张会计", "zhang-pw-1", "普通用户", api_name="/_add")[1]
        )
        assert "已添加用户 li" in admin2.predict("li", "李审核", "li-pw-22", "普通用户", api_name="/_add")[1]
        zhang = second.login("zhang", "zhang-pw-1")
        li = first.login("li", "li-pw-22")
        with pytest.raises(ValueError):
            first.login("zhang", "li-pw-22")

        # Each sees their own projects; a shared one appears for the other user, marked as shared.
        zhang.predict(api_name="/_sample")
        [(_, zhang_project)] = projects(zhang)
        assert projects(li) == []
        li.predict(api_name="/_sample")
        [(_, li_project)] = projects(li)
        assert li_project != zhang_project
        assert "已共享给：li" in zhang.predict("li", api_name="/_share_user")[0]
        seen_by_li = dict((pid, label) for label, pid in projects(li))
        assert set(seen_by_li) == {zhang_project, li_project} and "张会计共享" in seen_by_li[zhang_project]
        assert [pid for _, pid in projects(zhang)] == [zhang_project]

        # A workbench answers from the knowledge base the command line built (a fresh page: no project open,
        # so the questions go to the knowledge base) …
        reader = first.login("li", "li-pw-22")
        assert "notice.txt" in ask(reader, "自评结果什么时候报送财政部门？")
        assert "parking.txt" not in ask(reader, LATE_QUESTION)
        # … and, once another process ingests a new report, answers from it without a restart.
        late = tmp_path / "late"
        late.mkdir()
        (late / "parking.txt").write_text(LATE_REPORT, encoding="utf-8")
        run_cli(machine("cli"), "ingest", str(late))
        answer = ask(reader, LATE_QUESTION)
        assert "parking.txt" in answer and "1260" in answer, answer
    finally:
        first.stop()
        second.stop()


def test_processes_starting_together_on_a_fresh_database(postgres_server):
    """Workbench processes started at the same moment (systemd starts them together) each migrate the schema
    and make the built-in and the start-up users; none fails and there is one of each."""
    import threading

    from sqlalchemy import create_engine, text

    from assistant.db.engine import make_engine
    from assistant.db.migrate import upgrade
    from assistant.db.store import Store

    starting = 4
    name = f"fresh_{uuid.uuid4().hex[:8]}"
    with create_engine(postgres_server, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = postgres_server.rsplit("/", 1)[0] + "/" + name
    barrier = threading.Barrier(starting)
    failures: list[BaseException] = []

    def start() -> None:
        engine = make_engine(url)
        try:
            barrier.wait(30)
            upgrade(engine)
            store = Store(engine)
            store.ensure_local_user()
            store.ensure_admin(*ADMIN)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(starting)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    engine = make_engine(url)
    try:
        store = Store(engine)
        assert [u.username for u in store.users()] == ["admin"] and store.verify(*ADMIN)
        assert store.user(None) is not None  # the built-in local user, once
    finally:
        engine.dispose()

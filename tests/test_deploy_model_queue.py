"""The deployment's model queue through the real model client: two processes built with ``build_llm`` send their
requests to the local test server (``tests/llm_server``) through the queue in a real PostgreSQL; the server never
serves more than the configured limit, every request gets its own answer, and a waiting CLI run tells the user
its place in line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from llm_server import ModelServer, Reply, well_behaved

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASE = REPO / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"

WORKER = """
import json, sys, threading, time
from pathlib import Path
from assistant.llm import build_llm

name, count, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
client = build_llm()
print("ready " + type(client.slots).__name__, flush=True)
while not go.exists():  # both processes send together
    time.sleep(0.01)
results = []

def ask(n):
    places = []
    tag = f"{name}-{n}"
    try:
        reply = client.observed(places.append).complete(f"请回执编号 {tag}", purpose="queue test")
        results.append({"tag": tag, "text": reply.visible, "places": places})
    except Exception as exc:  # reported, so a lost request fails the test with its reason
        results.append({"tag": tag, "error": repr(exc), "places": places})

threads = [threading.Thread(target=ask, args=(n,)) for n in range(count)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(results, ensure_ascii=False), flush=True)
"""

CLI = "import sys; from assistant.cli import main; sys.argv[0] = 'pe-assistant'; main()"


class CountingResponder:
    """Answers each request with its receipt number after a pause; counts how many it serves at once."""

    def __init__(self, pause: float = 0.0, gate: threading.Event | None = None) -> None:
        self.pause = pause
        self.gate = gate
        """When set, receipt requests are answered only once the gate opens."""
        self.lock = threading.Lock()
        self.serving = self.peak = self.received = 0

    def __call__(self, body: dict) -> Reply:
        prompt = body["messages"][-1]["content"]
        with self.lock:
            self.received += 1
            self.serving += 1
            self.peak = max(self.peak, self.serving)
        try:
            if "参考初稿" in prompt:  # a drafting prompt of the CLI run
                return Reply(content=well_behaved(prompt))
            time.sleep(self.pause)
            if self.gate is not None:
                self.gate.wait(120)
            return Reply(content="回执 " + prompt.rsplit(" ", 1)[-1])
        finally:
            with self.lock:
                self.serving -= 1


def deployment_env(database_url: str, server: ModelServer, limit: int, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PE_ASSISTANT_DATA_DIR": str(data_dir),
        "PE_ASSISTANT_DATABASE_URL": database_url,
        "PE_ASSISTANT_LLM_BASE_URL": server.url,
        "PE_ASSISTANT_LLM_MODEL": "scripted-model",
        "PE_ASSISTANT_LLM_API_KEY": "k",
        "PE_ASSISTANT_LLM_CONCURRENCY": str(limit),
        "PE_ASSISTANT_LLM_FIRST_TOKEN_TIMEOUT": "150",
        "PE_ASSISTANT_LLM_PROMPT_TOKENS_PER_SECOND": "100000",
        "PE_ASSISTANT_LLM_IDLE_TIMEOUT": "10",
    }


def start_worker(env: dict[str, str], name: str, count: int, go: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, name, str(count), str(go)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    line = proc.stdout.readline().strip()
    assert line == "ready DatabaseSlots", (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc


def finish(proc: subprocess.Popen) -> list[dict]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_ten_model_requests_from_two_processes_queue_within_the_limit(postgres_server, tmp_path):
    responder = CountingResponder(pause=0.5)
    with ModelServer(responder=responder) as server:
        env = deployment_env(postgres_server, server, limit=3, data_dir=tmp_path / "data")
        go = tmp_path / "go"
        procs = [start_worker(env, name, 5, go) for name in ("甲", "乙")]
        go.touch()
        results = [r for proc in procs for r in finish(proc)]
    assert [r for r in results if "error" in r] == []
    # None lost: ten requests reached the server and each came back with its own receipt.
    assert responder.received == 10
    assert sorted(r["text"] for r in results) == sorted(f"回执 {r['tag']}" for r in results)
    assert len({r["tag"] for r in results}) == 10
    # Within the limit, and the limit was used.
    assert responder.peak == 3
    waited = [r["places"] for r in results if r["places"]]
    # At least the seven beyond the first three slots were told their place; places only go down.
    assert len(waited) >= 7 - 3 and all(p == sorted(p, reverse=True) and p[-1] >= 1 for p in waited)


@pytest.mark.slow
def test_a_cli_run_waiting_behind_another_process_shows_its_place(postgres_server, tmp_path):
    from sqlalchemy import create_engine

    from assistant.model_queue import DatabaseSlots

    gate = threading.Event()
    responder = CountingResponder(gate=gate)
    with ModelServer(responder=responder) as server:
        # Its own queue: the queue's pool is the model server's URL.
        env = deployment_env(postgres_server, server, limit=1, data_dir=tmp_path / "data")
        queue = DatabaseSlots(create_engine(postgres_server), size=1, timeout=1, pool=server.url)
        go = tmp_path / "go"
        go.touch()
        holder = start_worker(env, "占用", 1, go)  # holds the only slot until the gate opens
        out = tmp_path / "report.md"
        draft = subprocess.Popen(
            [sys.executable, "-c", CLI, "draft", str(CASE), "--out", str(out), "--kind", "report"]
            + ["--no-precedents"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        try:
            deadline = time.monotonic() + 120
            while queue.snapshot() != (1, 1) and time.monotonic() < deadline:  # the draft waits behind it
                assert draft.poll() is None, draft.communicate()
                time.sleep(0.1)
            assert queue.snapshot() == (1, 1)
        finally:
            gate.set()
        stdout, stderr = draft.communicate(timeout=300)
        held = finish(holder)
    assert draft.returncode == 0, stderr
    assert "大模型排队中：下一个就轮到本请求" in stderr
    assert held[0]["text"] == "回执 占用-0"
    assert responder.peak == 1 and responder.received > 1
    assert "经评价，" in out.read_text(encoding="utf-8")  # the drafting requests were served after the wait
    assert queue.snapshot() == (0, 0)

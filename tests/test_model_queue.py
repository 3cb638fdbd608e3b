"""The deployment's model queue in the shared database: a limit across processes, places in line, nothing lost.

Two real processes send their requests to a loopback stand-in for the model server through the queue kept in a
real PostgreSQL (and in the default SQLite file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from assistant.model_queue import DatabaseSlots

TESTS = Path(__file__).parent

WORKER = """
import json, sys, threading, time
from sqlalchemy import create_engine
from assistant.model_queue import DatabaseSlots

import urllib.request
url, pool, size, count, go, server = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
slots = DatabaseSlots(create_engine(url), size=size, timeout=120, pool=pool, poll=0.05)
print("ready", flush=True)
from pathlib import Path
while not Path(go).exists():  # both processes start their requests together
    time.sleep(0.01)
events = []
def request():
    places = []
    with slots.slot(places.append):
        began = time.time()
        body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "预算执行率"}]}).encode()
        request = urllib.request.Request(server, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as resp:
            reply = json.loads(resp.read())
        events.append({"began": began, "ended": time.time(), "places": places, "reply": reply["id"]})
threads = [threading.Thread(target=request) for _ in range(count)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(events))
"""


def most_at_once(events: list[dict]) -> int:
    edges = sorted(
        [(e["began"], 1) for e in events] + [(e["ended"], -1) for e in events], key=lambda x: (x[0], x[1])
    )
    level = peak = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


class SlowModelServer:
    """A loopback stand-in for a model server: answers each chat request after a pause and records how many it
    was serving at once and how many it received."""

    def __init__(self, pause: float = 0.4) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        owner = self
        self.lock = threading.Lock()
        self.serving = self.peak = self.received = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers["Content-Length"]))
                with owner.lock:
                    owner.received += 1
                    owner.serving += 1
                    owner.peak = max(owner.peak, owner.serving)
                    number = owner.received
                time.sleep(pause)
                with owner.lock:
                    owner.serving -= 1
                body = json.dumps({"id": f"r{number}", "choices": [{"message": {"content": "…"}}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1/chat/completions"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def run_two_processes(
    url: str, size: int, go: Path, per_process: int = 5
) -> tuple[list[dict], SlowModelServer]:
    pool = f"p{uuid.uuid4().hex[:8]}"
    server = SlowModelServer()
    env = {**os.environ, "PYTHONPATH": str(TESTS.parent)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, pool, str(size), str(per_process), str(go), server.url],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.communicate()[1]
    go.touch()
    events = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
            got = json.loads(out)
            assert len(got) == per_process, err  # a request that died in its thread says why
            events += got
    finally:
        server.close()
    return events, server


def test_ten_requests_from_two_processes_stay_within_the_limit_on_postgres(postgres_server, tmp_path):
    events, server = run_two_processes(postgres_server, size=3, go=tmp_path / "go")
    assert len(events) == 10 and len({e["reply"] for e in events}) == 10  # none lost: ten distinct answers
    assert (
        server.received == 10 and server.peak == 3
    )  # the server never saw more than the limit, and did see it
    assert most_at_once(events) == 3
    waited = [e["places"] for e in events if e["places"]]
    # At least the ones beyond the limit waited (more when a slow machine staggers the starts); each was told
    # its place, and places only go down.
    assert len(waited) >= 4 and all(p == sorted(p, reverse=True) and p[-1] >= 1 for p in waited)


def test_the_queue_works_on_the_default_sqlite_file(tmp_path):
    events, server = run_two_processes(
        f"sqlite:///{tmp_path / 'queue.db'}", size=2, go=tmp_path / "go", per_process=3
    )
    assert len(events) == 6 and server.received == 6 and server.peak == 2


def test_a_database_locked_by_another_process_is_waited_for_not_taken_as_unreachable(tmp_path):
    import sqlite3

    path = tmp_path / "q.db"
    engine = create_engine(
        f"sqlite:///{path}", connect_args={"timeout": 0.05}
    )  # SQLite gives up waiting fast
    slots = DatabaseSlots(engine, size=1, timeout=20, poll=0.05)
    slots.snapshot()  # tables made
    locker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")  # another process writing for a while
    threading.Timer(0.6, lambda: locker.execute("COMMIT")).start()
    entered = []
    with slots.slot():
        entered.append(True)
    locker.close()
    assert entered == [True] and slots.snapshot() == (0, 0)


def test_a_crashed_holder_frees_its_slot(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    slots = DatabaseSlots(engine, size=1, timeout=10, poll=0.05, stale_after=0.5)
    from assistant.model_queue import create_tables, model_queue

    create_tables(engine)
    with engine.begin() as conn:  # a row left by a process that died while it held the only slot
        conn.execute(
            model_queue.insert().values(
                pool="default", state="running", owner="gone:1", enqueued_at=0.0, heartbeat_at=time.time()
            )
        )
    places: list[int] = []
    began = time.monotonic()
    with slots.slot(places.append):
        pass
    assert places == [1] and time.monotonic() - began < 5
    assert slots.snapshot() == (0, 0)


def test_a_request_that_cannot_get_a_slot_in_time_is_refused_with_a_message(tmp_path):
    from assistant.errors import ModelUnavailable

    engine = create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    slots = DatabaseSlots(engine, size=1, timeout=0.5, poll=0.05)
    held = threading.Event()
    release = threading.Event()

    def hold():
        with slots.slot():
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        with pytest.raises(ModelUnavailable, match="排队等待大模型超时"), slots.slot():
            pass
    finally:
        release.set()
        holder.join()
    assert slots.snapshot() == (0, 0)  # the refused request left no row behind


def test_the_deployment_limit_follows_the_saved_model_settings(tmp_path, monkeypatch):
    from sqlalchemy import text

    from assistant import deployment

    engine = create_engine(f"sqlite:///{tmp_path / 'work.db'}")
    limit = deployment.shared_limit(engine, default=2)
    assert limit() == 2  # no settings table yet: the environment's limit
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE app_settings (key VARCHAR(64) PRIMARY KEY, value JSON)"))
        conn.execute(
            text("INSERT INTO app_settings VALUES ('model', :v)"), {"v": json.dumps({"llm_concurrency": 5})}
        )
    monkeypatch.setattr(deployment, "LIMIT_REFRESH_SECONDS", 0.0)
    assert limit() == 5
    slots = DatabaseSlots(engine, size=limit, timeout=5)
    assert slots.size == 5


def test_a_database_that_cannot_be_reached_is_a_model_that_cannot_be_reached(tmp_path):
    from service_fixtures import free_port

    from assistant.errors import ModelUnavailable

    slots = DatabaseSlots(
        create_engine(f"postgresql+psycopg://pe:pe@127.0.0.1:{free_port()}/pe?connect_timeout=2"),
        size=1,
        timeout=5,
    )
    with pytest.raises(ModelUnavailable) as caught, slots.slot():
        pass
    assert caught.value.reason == "模型请求队列所在的工作数据库无法连接"


def test_tables_made_by_another_process_at_the_same_moment_are_not_an_error(tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from assistant import model_queue

    engine = create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    real = model_queue.metadata.create_all
    raced = []

    def racing(bind, checkfirst=True):
        if len(raced) < 2:  # the other process's CREATE lands between our check and ours, twice
            raced.append(True)
            raise OperationalError("CREATE TABLE", {}, Exception("table model_queue_pools already exists"))
        real(bind, checkfirst=checkfirst)

    monkeypatch.setattr(model_queue.metadata, "create_all", racing)
    model_queue.create_tables(engine)
    assert len(raced) == 2 and DatabaseSlots(engine, size=1, timeout=5).snapshot() == (0, 0)

"""Browser fixtures: one `pe-assistant serve` per test session on a free port and a temp data dir, with the
knowledge index built once; Debian's Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from pages import open_workbench

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("/tmp/ui-shots")
TIMINGS = SHOTS / "timings.json"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="/usr/bin/chromium 未安装：apt-get install chromium"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("pe-assistant")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from assistant.cli import main; main()"]


def _rss_kb(pid: int) -> int:
    """Peak resident memory (VmHWM) of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pe-browser-data")


def _env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "PE_ASSISTANT_DATA_DIR": str(data_dir), "GRADIO_ANALYTICS_ENABLED": "False"}
    for key in ("PE_ASSISTANT_LLM_BASE_URL", "PE_ASSISTANT_LLM_MODEL", "PE_ASSISTANT_AUTH"):
        env.pop(key, None)
    return env


def _start(data_dir: Path, log_name: str, *options: str) -> tuple[subprocess.Popen, str, object]:
    """Start `pe-assistant serve` and poll until it answers HTTP 200 (polling a port is not a sleep-based
    wait: it returns as soon as the server is up). Returns the process, its URL and its open log."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(data_dir / log_name, "wb")  # noqa: SIM115 - closed by _stop
    proc = subprocess.Popen(
        [*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port), *options],
        env=_env(data_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            _stop(proc, log)
            raise RuntimeError("serve exited: " + (data_dir / log_name).read_text(errors="replace")[-2000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return proc, url, log
        except OSError:
            pass
        if time.monotonic() > deadline:
            _stop(proc, log)
            raise RuntimeError("serve did not answer within 90 s")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen, log) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    log.close()


@pytest.fixture(scope="session")
def server(data_dir):
    """Build the index once, start the workbench, wait for its first response; yields the base URL.

    PE_ASSISTANT_TEST_INDEX_SEED may name a data dir whose index was built from the same corpus: it is
    copied first, so `ingest` only confirms every file unchanged (for quick local runs)."""
    seed = os.environ.get("PE_ASSISTANT_TEST_INDEX_SEED")
    if seed and (Path(seed) / "index").is_dir() and not (data_dir / "index").exists():
        shutil.copytree(Path(seed) / "index", data_dir / "index")
    started = time.monotonic()
    subprocess.run([*_cli(), "ingest"], env=_env(data_dir), check=True, capture_output=True, timeout=600)
    ingest_seconds = time.monotonic() - started
    started = time.monotonic()
    proc, url, log = _start(data_dir, "serve.log")
    try:
        first_response = time.monotonic() - started
        SHOTS.mkdir(parents=True, exist_ok=True)
        timings = {
            "ingest_seconds": round(ingest_seconds, 2),
            "serve_first_response_seconds": round(first_response, 2),
            "rss_after_start_mb": round(_rss_kb(proc.pid) / 1024, 1),
        }
        TIMINGS.write_text(json.dumps(timings, ensure_ascii=False, indent=1))
        yield url
    finally:
        if proc.poll() is None:
            try:
                record = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
                record["rss_peak_at_end_mb"] = round(_rss_kb(proc.pid) / 1024, 1)
                TIMINGS.write_text(json.dumps(record, ensure_ascii=False, indent=1))
            except OSError:
                pass
        _stop(proc, log)


@pytest.fixture(scope="session")
def auth_server(data_dir, server):
    """A second workbench on the same (already indexed) data dir, started with `--auth finance:secret`."""
    proc, url, log = _start(data_dir, "serve-auth.log", "--auth", "finance:secret")
    try:
        yield url
    finally:
        _stop(proc, log)


@pytest.fixture(scope="session")
def users(data_dir, auth_server):
    """Two clerks in the auth server's database (the administrator is finance:secret)."""
    from assistant.db import open_store
    from assistant.settings import Settings

    store = open_store(Settings(data_dir=data_dir, _env_file=None))
    for name, password in (("zhang", "zhang-pass"), ("li", "li-pass1")):
        if store.user(name) is None:
            store.add_user(name, password, display_name={"zhang": "张会计", "li": "李会计"}[name])
    return {"zhang": "zhang-pass", "li": "li-pass1"}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser session (own cookies and Gradio state) on the workbench, in Chinese."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1440, "height": 1000}, accept_downloads=True
    )
    started = time.monotonic()
    pg = open_workbench(context, server)
    load = time.monotonic() - started
    record = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
    record.setdefault("page_load_seconds", []).append(round(load, 2))
    TIMINGS.write_text(json.dumps(record, ensure_ascii=False, indent=1))
    yield pg
    context.close()


@pytest.fixture
def workbench(server):
    """Opens the workbench in a given browser context: `workbench(context)` → page."""
    return lambda context: open_workbench(context, server)


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture
def gold_case() -> Path:
    """A self-evaluation form transcribed from the corpus (reported total 98.57, grade 优)."""
    path = Path(__file__).resolve().parents[2] / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"
    if not path.exists():
        pytest.skip(f"gold case missing: {path}")
    return path


def copy_to(tmp: Path, src: Path) -> Path:
    dst = tmp / src.name
    shutil.copy(src, dst)
    return dst

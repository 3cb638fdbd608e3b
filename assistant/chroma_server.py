"""Starting a local Chroma server (``chroma run``, shipped in the chromadb package) for the benchmarks and tests.

A deployment runs its own server (see the README's deployment section); this starts one on loopback in a
folder of the caller's, waits until it answers, and stops it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_executable() -> Path:
    """The ``chroma`` command installed beside this Python."""
    return Path(sys.executable).with_name("chroma")


def heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running_chroma_server(folder: Path, timeout: float = 60) -> Iterator[tuple[str, subprocess.Popen]]:
    """``chroma run`` on a free loopback port with its data in ``folder``; yields (url, process)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                str(chroma_executable()),
                "run",
                "--path",
                str(folder / "data"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while not heartbeat(url):
            if proc.poll() is not None or time.monotonic() - started > timeout:
                raise RuntimeError(f"chroma run did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

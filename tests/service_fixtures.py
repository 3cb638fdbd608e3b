"""Real services for the deployment tests, started once per test session on loopback.

- ``chroma_server``: ``chroma run`` from the chromadb package, in a temp folder.
- ``postgres_server``: Debian's PostgreSQL (``make test`` installs it), initialised in a temp folder and run as the
  ``postgres`` OS user (the server refuses to run as root), listening on loopback only.

A test that needs a service it cannot start here is skipped with the reason, never silently passed; in CI
(``CI=true``) a missing service is an error instead, so a green run always means the service was really used.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"service needed in CI is unavailable: {reason}")
    pytest.skip(reason)


def _wait(check, timeout: float, proc: subprocess.Popen, what: str, log: Path) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log.read_text(errors='replace')[-2000:]}")
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready after {timeout} s:\n{log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture(scope="session")
def chroma_server():
    """URL of a ``chroma run`` server for this test session."""
    from assistant.chroma_server import chroma_executable, running_chroma_server

    if not chroma_executable().is_file():
        _unavailable("the chroma command of the chromadb package is missing")
    folder = Path(tempfile.mkdtemp(prefix="pe-chroma-"))
    try:
        with running_chroma_server(folder) as (url, _):
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (newest version), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="session")
def postgres_server():
    """A SQLAlchemy URL of a fresh PostgreSQL database (user ``pe``) for this test session."""
    bindir = postgres_bin()
    if bindir is None:
        _unavailable("PostgreSQL is not installed (make test installs Debian's postgresql)")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        _unavailable("the postgres OS user is missing")
    folder = Path(tempfile.mkdtemp(prefix="pe-postgres-"))
    os.chmod(folder, 0o777)  # the server runs as postgres: it needs its own data and socket folders
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    os.chmod(sockets, 0o777)
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [
            *as_postgres,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = folder / "server.log"
    log.touch()
    os.chmod(log, 0o666)
    proc = subprocess.Popen(
        [
            *as_postgres,
            str(bindir / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-k",
            str(sockets),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "max_connections=100",
        ],
        stdout=open(log, "wb"),  # noqa: SIM115 - kept open for the server's life
        stderr=subprocess.STDOUT,
    )

    def psql(sql: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                str(bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-qc",
                sql,
            ],
            capture_output=True,
            text=True,
        )

    try:
        _wait(lambda: psql("select 1").returncode == 0, 60, proc, "postgres", log)
        for sql in ("CREATE ROLE pe LOGIN CREATEDB PASSWORD 'pe'", "CREATE DATABASE pe OWNER pe"):
            result = psql(sql)
            if result.returncode:
                raise RuntimeError(result.stderr)
        yield f"postgresql+psycopg://pe:pe@127.0.0.1:{port}/pe"
    finally:
        _stop(proc)
        shutil.rmtree(folder, ignore_errors=True)

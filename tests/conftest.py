"""Test-wide guards: no network, and every file the code writes goes to a temp dir."""

from __future__ import annotations

import socket

import pytest

# Real services (a Chroma server, PostgreSQL) started once per session for the deployment tests.
pytest_plugins = ["service_fixtures"]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch, request):
    """Forbid connections to anything but loopback (browser tests talk to a local server)."""
    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1") or "/" in host):
            return real_connect(self, address)
        raise RuntimeError(f"network access in tests is forbidden: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """Point PE_ASSISTANT_DATA_DIR at a temp dir so tests never touch the user's data."""
    monkeypatch.setenv("PE_ASSISTANT_DATA_DIR", str(tmp_path / "pe-data"))
    from assistant.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()

"""Shared set-up for the workbench callback tests: services on a temp data dir, the gold case opened as
a project, and a drafted project."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings
from ui.services import Services
from ui.session import Session

GOLD = Path(__file__).resolve().parents[1] / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"


def make_services(tmp_path: Path, **settings) -> Services:
    return Services(Settings(data_dir=tmp_path / "data", _env_file=None, **settings))


def gold_session(services: Services) -> Session:
    user = services.user(None)
    return Session(browser="test-browser").with_project(services.workspace.import_file(user, GOLD))


def drafted_session(services: Services, kind: str = "report") -> Session:
    sess = gold_session(services)
    user = services.user(None)
    report = services.workspace.draft(sess.case, kind)
    return sess.with_project(services.workspace.save_draft(user, sess.current, report, "起草全文", []))

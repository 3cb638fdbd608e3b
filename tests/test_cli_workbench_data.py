"""`pe-assistant users` and `pe-assistant projects`: the workbench's data from the command line."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner
from ui_support import GOLD

from assistant.cli import app


def test_import_list_score_and_export_a_project(tmp_path):
    runner = CliRunner()
    done = runner.invoke(app, ["projects", "import", str(GOLD)])
    assert done.exit_code == 0, done.output
    project_id = done.output.split("项目 ")[1].split("：")[0]
    listed = runner.invoke(app, ["projects", "list"])
    assert "信息技术发展资金" in listed.output and project_id in listed.output
    scored = runner.invoke(app, ["projects", "score", project_id])
    assert "总分 98.57 分，等级 优" in scored.output
    out = tmp_path / "out.yaml"
    assert runner.invoke(app, ["projects", "export", project_id, str(out)]).exit_code == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["project"]["name"] == "信息技术发展资金"


def test_users_and_their_separate_projects():
    runner = CliRunner()
    added = runner.invoke(app, ["users", "add", "zhang", "--name", "张会计"], input="zhang-pw\nzhang-pw\n")
    assert added.exit_code == 0, added.output
    assert "zhang" in runner.invoke(app, ["users", "list"]).output
    assert runner.invoke(app, ["projects", "import", str(GOLD), "--user", "zhang"]).exit_code == 0
    assert "信息技术发展资金" not in runner.invoke(app, ["projects", "list"]).output  # the local user's list
    bad = runner.invoke(app, ["users", "add", "x"], input="1\n1\n")
    assert bad.exit_code == 2 and "用户名" in bad.output
    missing = runner.invoke(app, ["projects", "score", "20990101-000000-abcdef"])
    assert missing.exit_code == 2 and "找不到这个项目" in missing.output

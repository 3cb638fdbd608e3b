"""导出 tab: Word and Markdown downloads of the report and of the self-evaluation form."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.report import Report

from . import messages
from .progress import run_with_ticker
from .services import Services
from .session import Session
from .shell import Shell

KIND_NAMES = {"report": "绩效评价报告", "self_evaluation": "绩效自评表"}


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_")[:60] or "项目"


EXPORT_KEEP_SECONDS = 3600
"""Exported files are served for download for an hour, then removed."""


def export_dir(services: Services) -> Path:
    """A fresh folder for one export under the data directory; folders older than an hour are removed."""
    import shutil
    import time

    root = Path(services.base_settings.data_dir) / "exports"
    root.mkdir(parents=True, exist_ok=True)
    for old in root.iterdir():
        try:
            if time.time() - old.stat().st_mtime > EXPORT_KEEP_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix="pe-export-", dir=root))


def report_for(session: Session, kind: str, services: Services) -> tuple[Report, bool]:
    """The session's draft of this kind (with the user's edits), or a fresh draft; True when fresh."""
    if session.current is not None and session.current.draft_kind == kind and session.draft is not None:
        return session.report(), False
    if session.case is None:
        raise messages.error("尚未打开项目：请先在“项目录入”页新建、导入或打开一个项目。")
    return services.workspace.draft(session.case, kind), True


def export_files(
    session: Session, kind: str, services: Services, out_dir: Path | None = None
) -> tuple[list[Path], str]:
    """Write the .docx and .md of one kind; returns the files and a status line (Chinese)."""
    from assistant.export import write_report

    report, fresh = report_for(session, kind, services)
    out_dir = out_dir or Path(tempfile.mkdtemp(prefix="pe-export-"))
    stem = f"{_safe_name(session.current.name)}_{KIND_NAMES[kind]}"
    files = [write_report(report, out_dir / f"{stem}.docx"), write_report(report, out_dir / f"{stem}.md")]
    source = "根据当前评分结果新起草（尚未在“起草”页修改）" if fresh else "使用“起草”页的当前稿（含手工修改）"
    return files, f"✔ 已生成{KIND_NAMES[kind]}：{source}。"


def build(services: Services, shell: Shell) -> dict[str, Any]:
    session = shell.session
    gr.Markdown(
        "下载 Word（.docx）或 Markdown（.md）文件。报告使用“起草”页的当前稿；尚未起草时按评分结果自动起草。"
    )
    outputs: dict[str, Any] = {}
    for kind, label in KIND_NAMES.items():
        with gr.Column(variant="panel"):
            with gr.Row(equal_height=True):
                btn = gr.Button(
                    f"导出{label}", variant="primary", scale=1, min_width=200, elem_id=f"export-{kind}"
                )
                status = gr.Markdown(elem_id=f"export-{kind}-status", container=False, scale=3)
            files = gr.File(
                label=f"{label}（点击文件名下载）",
                file_count="multiple",
                interactive=False,
                elem_id=f"export-{kind}-files",
                height=160,
                visible=False,  # shown with the files: an empty download box looks like something failed
            )
        outputs[kind] = (btn, status, files)

    def _export(kind):
        def run(sess: Session):
            if sess.current is None:
                raise messages.error("尚未打开项目：请先在“项目录入”页新建、导入或打开一个项目。")
            try:
                result = None
                work = lambda: export_files(sess, kind, services, export_dir(services))  # noqa: E731
                for line, result in run_with_ticker(work, f"正在生成{KIND_NAMES[kind]}"):
                    if result is None:
                        yield line, gr.skip()
                paths, message = result
            except Exception as exc:
                yield f"❌ {messages.describe(exc, '导出')}", gr.update(value=None, visible=False)
                return
            yield message, gr.update(value=[str(p) for p in paths], visible=True)

        return run

    for kind, (btn, status, files) in outputs.items():
        btn.click(_export(kind), [session], [status, files])

    def show(sess: Session, user) -> list[Any]:
        return [x for _ in outputs for x in ("", gr.update(value=None, visible=False))]

    return {"show": show, "outputs": [x for _, status, files in outputs.values() for x in (status, files)]}

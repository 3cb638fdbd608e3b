"""Background jobs (ui/jobs.py): a review runs in its own process from a warm fork server, and that process
does not re-run the main script (the pe-assistant entry point imports every command: seconds per review)."""

from __future__ import annotations

import sys

import pytest

from assistant.errors import AssistantError, InputError
from ui import jobs


def main_script_was_run() -> bool:
    """In the job process: whether multiprocessing re-ran the parent's main script here (it then becomes the
    child's main module, with the script's file)."""
    return getattr(sys.modules["__main__"], "__file__", None) is not None


def refuse(name: str) -> None:
    raise InputError(f"文件“{name}”无法读取。")


def outcome(fn, *args):
    progress = list(jobs.run_in_process(fn, *args, budget=120, label="测试", tick=0.05))
    assert progress[-1][0] == ""
    return progress[-1][1]


def test_a_job_runs_without_re_running_the_main_script_and_the_main_module_is_left_as_it_was():
    main = sys.modules["__main__"]
    before = getattr(main, "__file__", None)
    jobs.warm_up().join(120)
    assert outcome(main_script_was_run) is False
    assert getattr(main, "__file__", None) == before


def test_a_jobs_own_error_reaches_the_caller_in_its_words():
    with pytest.raises(AssistantError, match="文件“坏.docx”无法读取"):
        outcome(refuse, "坏.docx")


def test_the_review_worker_preloads_no_database_web_or_model_stack():
    """The fork server imports PRELOAD at start; the review needs none of these (seconds to import)."""
    import subprocess

    code = (
        "import importlib, sys\n"
        f"for m in {jobs.PRELOAD!r}: importlib.import_module(m)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'gradio', "
        "'langchain_core', 'chromadb', 'typer'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

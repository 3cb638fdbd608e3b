"""Review of one uploaded file, for a front end such as the workbench: :func:`review_upload`.

Any file the checker reads — Word (.docx), PDF, Excel (.xlsx), web page (.html/.htm), Markdown or text: the
self-evaluation forms in it are read with the form reader and their reported figures compared with the
scorer's recomputation (as ``pe-assistant check`` does); every other figure goes through the checker's
checks. With a case (the project open in the front end) the file is compared with that case instead.

Importing this module imports what reviewing a Word upload needs (python-docx, the form reader and its
Word source), so a worker pool that preloads it pays no import when a review starts; the PDF and Excel
readers are imported when such a file first arrives.
"""

from __future__ import annotations

from pathlib import Path

import docx  # noqa: F401  (imported here so a preloading worker pool has it)
import docx.enum.style  # noqa: F401
from pydantic import BaseModel, Field

import assistant.forms.reader  # noqa: F401
import assistant.forms.sources.docx_source  # noqa: F401
import assistant.scoring.reconcile  # noqa: F401
from assistant.case import Case

from . import check_document, read_for_check
from .documents import document_text
from .limits import DEFAULT_TIME_BUDGET
from .models import CheckReport


class UploadReview(BaseModel):
    """The review of an uploaded file: the report and the text that was checked."""

    report: CheckReport
    text: str = Field(
        description="The checked text, one line per heading ('#' + text), paragraph and table row "
        "('| cell | cell |'); each finding's text occurs in it as written"
    )
    forms: int = Field(default=0, description="Self-evaluation forms read from the file and recomputed")


def review_upload(
    path: str | Path, case: Case | None = None, time_budget: float | None = DEFAULT_TIME_BUDGET
) -> UploadReview:
    """Review an uploaded file of any type the checker reads (see the module docstring).

    Without ``case``, the forms in the file are recomputed by the scorer and each difference is a finding at
    its cell; with ``case``, the file's figures are compared with the case and its scores. Raises
    :class:`~assistant.errors.InputError` (a Chinese message naming the file) for a file it cannot read and
    :class:`~assistant.checking.limits.CheckTimeout` past ``time_budget`` seconds."""
    document, forms = read_for_check(path, forms=case is None)
    report = check_document(document, case=case, time_budget=time_budget, forms=forms)
    return UploadReview(report=report, text=document_text(document), forms=len(forms))

"""Received self-evaluation forms (收到的自评表) in a reviewed file.

The form reader (:func:`assistant.forms.reader.read_forms`) turns every form of the file into a case with the
figures as reported; the scorer recomputes it and lists each reported figure beside the recomputed one
(``ScoreSheet.comparisons``). Each difference becomes a finding at its cell — the form's own arithmetic, the
national scoring rules, blank cells — so a form is judged by the same reading ``pe-assistant score`` uses, never
by a second reader. The tables the forms occupy are then left to that comparison: the generic table checks
(which cannot know a placeholder row, a separate budget table or a single-indicator form) do not speak there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from assistant.case import Case, CellLocation
from assistant.errors import InputError
from assistant.scoring import ScoreSheet, score_case
from assistant.scoring.sheet import FigureComparison

from .context import cell_number
from .models import Document, Finding, FindingKind, PartSummary, Table

FORM_TABLE_KINDS: frozenset[str] = frozenset(
    {"arithmetic", "total", "weights", "deduction", "consistency", "indicator_fact", "percentage"}
)
"""Kinds of generic findings that a form's comparison replaces inside the form's tables."""


@dataclass
class ReceivedForm:
    """One form of the file: the case as read, its score sheet (None when it cannot be scored) and why."""

    case: Case
    sheet: ScoreSheet | None
    error: str = ""
    tables: set[int] = field(default_factory=set)
    """Indices of the checked Document's tables that the form occupies."""
    table_of: dict[int, int] = field(default_factory=dict)
    """Form reader's table number → the checked Document's table holding the same cells."""
    source_rows: dict[int, list[str]] = field(default_factory=dict)
    """Form reader's table number → its rows as written (cells joined by ' | '), to quote a figure's row."""

    @property
    def weight_total(self) -> Decimal:
        budget = self.case.budget.weight if self.case.budget and self.case.budget.weight else Decimal(0)
        return sum((i.weight for i in self.case.indicators), Decimal(0)) + budget

    @property
    def trusted(self) -> bool:
        """Read as a whole form: scored, and its 分值 (budget block included) add up to the full score.
        A table that only looks like a form (a report's indicator system, a form broken over pages into
        pieces) fails this and is left to the generic table checks."""
        return self.sheet is not None and self.weight_total == self.sheet.max_total


def read_received(path: Path) -> list[ReceivedForm]:
    """Every self-evaluation form the form reader finds in the file, scored; [] when it holds none."""
    from assistant.forms.reader import FORM_SUFFIXES, read_forms

    if path.suffix.lower() not in FORM_SUFFIXES:
        return []
    try:
        cases = read_forms(path, source_document(path))
    except InputError:
        return []  # not a form (a report, a letter): the generic checks alone review it
    out = []
    for case in cases:
        try:
            out.append(ReceivedForm(case=case, sheet=score_case(case)))
        except InputError as exc:
            out.append(ReceivedForm(case=case, sheet=None, error=str(exc)))
    if path.suffix.lower() in (".md", ".txt", ".docx"):  # the draft reader's formats: reports too
        return [f for f in out if f.trusted]
    return out


@lru_cache(maxsize=4)
def _read_source(path: str, stamp: tuple[int, int]):
    from assistant.forms.reader import read_document as read_source

    return read_source(path)


def source_document(path: Path):
    """The form reader's view of the file (tables and paragraphs), read once per version of the file."""
    st = path.stat()
    return _read_source(str(path), (st.st_mtime_ns, st.st_size))


def document_from_source(path: Path) -> Document:
    """A checked Document built from the form reader's view of a file the draft reader cannot open
    (PDF, Excel, HTML): paragraphs as lines, tables as rows of cell texts (a merged range's text once)."""
    from assistant.forms.document import Paragraph

    from .documents import _Builder, join_wrapped_lines

    source = source_document(path)
    builder = _Builder(path.name)
    widest_lines = source.format == "pdf"  # a PDF gives one paragraph per printed line
    pending: list[tuple[int, str]] = []

    def flush() -> None:
        first = pending[0][0] if pending else 0
        for line in (
            join_wrapped_lines([text for _, text in pending]) if widest_lines else [t for _, t in pending]
        ):
            builder.block = first
            builder.line(line)
        pending.clear()

    for number, block in enumerate(source.blocks):
        if isinstance(block, Paragraph):
            pending.extend((number, line) for line in block.text.splitlines())
            continue
        flush()
        builder.block = number
        builder.table([["" if c.covered else c.text for c in row] for row in block.rows])
    flush()
    return builder.doc


def _cells(table: Table) -> set[str]:
    return {c.strip() for row in table.rows for c in row if c.strip()}


def _source_cells(source_table) -> set[str]:
    return {c.text.strip() for row in source_table.rows for c in row if c.text.strip() and not c.covered}


def attach_tables(forms: list[ReceivedForm], doc: Document, path: Path) -> None:
    """Find, for each form, the tables of ``doc`` holding the cells its figures were read from (by content:
    the two readers number tables their own way)."""
    if not forms:
        return
    source_tables = {t.index: t for t in source_document(path).tables()}
    mine = [(t.index, _cells(t)) for t in doc.tables]
    for form in forms:
        cells = form.case.origin.cells if form.case.origin else {}
        for number in {loc.table for loc in cells.values() if loc.table}:
            source = source_tables.get(number)
            if source is None:
                continue
            theirs = _source_cells(source)
            best, score = None, 0.0
            for index, texts in mine:
                if not texts or not theirs:
                    continue
                overlap = len(texts & theirs) / min(len(texts), len(theirs))
                if overlap > score:
                    best, score = index, overlap
            if best is not None and score >= 0.6:
                form.tables.add(best)
                form.table_of[number] = best
            form.source_rows[number] = [
                " | ".join(c.text.strip() for c in row if c.text.strip() and not c.covered)
                for row in source.rows
            ]


def _kind(c: FigureComparison) -> tuple[FindingKind, str]:
    if c.status == "blank":
        return "placeholder", "warning"
    if c.figure == "total" or c.figure.startswith("group"):
        return "total", "error"
    if c.figure.startswith("weight") or c.column in ("分值", "权重"):
        return "weights", "error"
    if c.figure in ("grade", "conclusion") or c.column == "等级":
        return "grade", "error"
    if c.figure.startswith("budget"):
        return "arithmetic", "error"
    return "case_value", "error"


def _message(form: ReceivedForm, c: FigureComparison) -> str:
    name = f"{c.row}“{c.column}”" if c.row else f"“{c.column}”"
    if c.status == "blank":
        head = f"{name}栏空白，按规则应为 {c.computed}。" if c.computed else f"{name}栏空白。"
    else:
        head = f"{name}填报 {c.reported}，按规则重算为 {c.computed}。"
    reason = c.reason.strip()
    tail = "（因前面的差错随之不同）" if c.derived else ""
    return f"{head}{reason}{tail}" if reason else f"{head}{tail}"


def _place(doc: Document, form: ReceivedForm, loc: CellLocation | None) -> tuple[int, str, str, int | None]:
    """(part, location, text, block) of a figure's cell in the checked Document."""
    table = next((t for t in doc.tables if t.index in form.tables), None)
    title = form.case.origin.title if form.case.origin and form.case.origin.title else form.case.project.name
    where = loc.describe() if loc is not None else ""
    location = f"{title} · {where}" if where else title
    text = ""
    if loc is not None and loc.table in form.table_of:
        table = next((t for t in doc.tables if t.index == form.table_of[loc.table]), table)
    label = loc.row_label.split("/")[-1] if loc is not None and loc.row_label else ""
    if label and loc is not None and loc.table in form.source_rows:
        # the row as the form reader read it: another form's table may hold a row of the same label
        # ('总分' of every form in a final account)
        rows = form.source_rows[loc.table]
        text = next((row for row in rows if label in row.split(" | ")), "") or next(
            (row for row in rows if label in row), ""
        )
    if not text and table is not None and label:
        for t in doc.tables:
            if t.index not in form.tables:
                continue
            row = next((r for r in t.rows if any(label and label in cell for cell in r)), None)
            if row is not None:
                text, table = " | ".join(c for c in row if c), t
                break
    part = table.part if table is not None else 0
    block = table.block if table is not None else None
    return part, location, text or (loc.row_label if loc is not None else ""), block


def _row_numbers(text: str) -> list[Decimal]:
    out = []
    for cell in text.split(" | "):
        if (parsed := cell_number(cell.strip())) is not None:
            out.append(parsed[0])
    return out


def _written_total(form: ReceivedForm, c: FigureComparison, text: str) -> FigureComparison | None:
    """A total the reader found blank though its row holds a number in another column (a page-broken or
    shifted row): that number is the reported total. None when the row agrees with the recomputed total."""
    assert form.sheet is not None
    numbers = [n for n in _row_numbers(text) if n != form.sheet.max_total]
    if c.computed_value is not None and c.computed_value in _row_numbers(text):
        return None
    if len(numbers) != 1 or c.computed_value is None:
        return c
    written = numbers[0]
    if written == c.computed_value:
        return None
    budget = form.case.budget.reported_score if form.case.budget else None
    rows = sum((i.reported_score or Decimal(0) for i in form.case.indicators), budget or Decimal(0))
    follows = written == rows
    reason = (
        f"总分等于各项填报得分之和 {fmt_number(rows)}，随上述差错而不同"
        if follows
        else f"总分与各项填报得分之和 {fmt_number(rows)} 不符"
    )
    return c.model_copy(
        update={
            "reported": fmt_number(written),
            "reported_value": written,
            "status": "differs",
            "difference": written - c.computed_value,
            "reason": f"{reason}；按规则重算为 {c.computed}",
            "derived": follows,
        }
    )


def fmt_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def form_findings(doc: Document, forms: list[ReceivedForm]) -> list[Finding]:
    """One finding per reported figure that differs from the recomputed one; a warning for each form that
    could not be scored or whose 分值 do not add up (its figures are then left to the generic checks)."""
    out: list[Finding] = []
    for n, form in enumerate(forms, start=1):
        if not form.trusted:
            part, location, _, block = _place(doc, form, None)
            why = (
                form.error
                if form.sheet is None
                else f"读取到的分值合计 {fmt_number(form.weight_total)} 分，不是满分 "
                f"{fmt_number(form.sheet.max_total)} 分"
            )
            out.append(
                Finding(
                    kind="not_checked",
                    severity="warning",
                    location=location,
                    text=form.case.project.name,
                    found="未重算",
                    message=f"第{n}张自评表“{form.case.project.name}”未按自评表重算，只做了一般核对：{why}",
                    part=part,
                    block=block,
                )
            )
            continue
        assert form.sheet is not None
        for compared in form.sheet.differences():
            part, location, text, block = _place(doc, form, compared.location)
            c: FigureComparison | None = compared
            if compared.figure == "total" and compared.status == "blank":
                c = _written_total(form, compared, text)
            if c is None:
                continue
            kind, severity = _kind(c)
            out.append(
                Finding(
                    kind=kind,
                    severity=severity,
                    location=location,
                    text=text or c.row,
                    expected=c.computed,
                    found=c.reported or "（空白）",
                    message=_message(form, c),
                    part=part,
                    block=block,
                    row=(c.location.row - 1) if c.location and c.location.row and block is not None else None,
                    col=(c.location.column - 1)
                    if c.location and c.location.column and block is not None
                    else None,
                )
            )
    return out


def covered(findings: list[Finding], doc: Document, forms: list[ReceivedForm]) -> list[Finding]:
    """The generic findings minus those the forms' comparisons replace (structural kinds in form tables)."""
    tables = {i for f in forms if f.trusted for i in f.tables}
    if not tables:
        return findings
    out = []
    for f in findings:
        seg = doc.segments[f.segment] if f.segment is not None and f.segment < len(doc.segments) else None
        in_form = seg is not None and seg.kind == "cell" and seg.table in tables
        if in_form and set(f.kinds or [f.kind]) <= FORM_TABLE_KINDS:
            continue
        out.append(f)
    return out


def form_summaries(doc: Document, forms: list[ReceivedForm], findings: list[Finding]) -> list[PartSummary]:
    """One summary line per form: unit, project, reported and recomputed total, its findings."""
    out = []
    for n, form in enumerate(forms, start=1):
        case = form.case
        part, location, _, _ = _place(doc, form, None)
        own = [f for f in findings if f.location.startswith(location)]
        errors = [f for f in own if f.severity == "error"]
        first = (errors or own)[:1]
        reported = case.reported_total_text if case.reported_total_text is not None else case.reported_total
        if reported is None or not str(reported).strip():  # read blank, found in its row by the checker
            reported = next((f.found for f in own if f.kind == "total" and "总分" in f.location), None)
        out.append(
            PartSummary(
                index=part,
                title=(case.origin.title if case.origin and case.origin.title else "")
                or next((p.title for p in doc.parts if p.index == part and p.title), "")
                or f"第{n}张自评表",
                unit=case.project.department or case.project.implementer,
                project=case.project.name,
                reported_total="" if reported is None else str(reported),
                recomputed_total=str(form.sheet.total) if form.trusted and form.sheet else "",
                errors=len(errors),
                warnings=len(own) - len(errors),
                first_finding=f"{first[0].location}：{first[0].message}" if first else "",
            )
        )
    return out

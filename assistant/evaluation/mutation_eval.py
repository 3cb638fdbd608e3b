"""Mutation evaluation of the checker (变异评测): our own offline draft of every gold case, each occurrence of
each figure changed once, checked against the case.

A figure is every number the checker must trace (years, dates, ordinals, document numbers… are left alone).
The mutation changes its last written digit by one (78.57 → 78.58, 3 → 4, 212 → 213): the smallest slip, the
hardest to see. A mutation is *caught* when a finding not already reported on the unmutated draft is about the
changed figure in its own line; every other new finding is a *false blame* (a right value reported wrong).
The unmutated drafts' findings other than placeholder warnings (the drafter marks missing case facts with
（待补充…）) and the source slips the case keeps as written (``evals/checker/source_slips.yaml``: the checker
must report those) are false flags.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.case import Case
from assistant.case_io import load_case
from assistant.checking import Finding, check_document
from assistant.checking.merge import figure_of
from assistant.checking.numbers import normalize
from assistant.scoring import ScoreSheet, score_case

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CASES_DIR = ROOT / "evals" / "cases"
SOURCE_SLIPS_PATH = ROOT / "evals" / "checker" / "source_slips.yaml"


class SourceSlip(BaseModel):
    """An inconsistency of a gold case's source report, kept in the case as written: the checker must report
    it on the case's clean draft (see evals/checker/source_slips.yaml)."""

    case: str = Field(description="The case file's stem")
    kind: str = Field(description="The finding kind that reports it")
    message: str = Field(description="A snippet of the finding's message")
    why: str = ""


def load_source_slips(path: Path = SOURCE_SLIPS_PATH) -> list[SourceSlip]:
    import yaml

    return [SourceSlip(**item) for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


def source_slip(case: str, finding: Finding, slips: list[SourceSlip]) -> SourceSlip | None:
    """The source slip a finding on a clean draft of ``case`` reports, or None."""
    kinds = set(finding.kinds or [finding.kind])
    return next(
        (s for s in slips if s.case == case and s.kind in kinds and s.message in finding.message), None
    )


def clean_draft_flags(case: str, findings: list[Finding], slips: list[SourceSlip]) -> tuple[list, list]:
    """(false flags, source slips reported) among the findings on a clean draft: placeholder warnings are
    neither (the drafter marks missing facts), a finding reporting a listed source slip is no false flag."""
    false_flags, reported = [], []
    for f in findings:
        if f.kind == "placeholder":
            continue
        slip = source_slip(case, f, slips)
        if slip is None:
            false_flags.append(f)
        elif slip not in reported:
            reported.append(slip)
    return false_flags, reported


class Mutation(BaseModel):
    """One changed figure: the line, the figure as written and as changed."""

    line: int = Field(description="0-based line of the Markdown draft")
    column: int = Field(description="Offset of the figure in the line")
    original: str
    mutated: str
    context: str = Field(description="The line around the figure, for reading the result")


class MutationOutcome(BaseModel):
    mutation: Mutation
    caught: bool
    undecidable: str | None = Field(
        default=None,
        description="Why no check could tell the changed figure wrong (missed figures only): it has no second "
        "statement in the draft and the case does not give it",
    )
    false_blames: list[str] = Field(default_factory=list, description="kind: text of each finding elsewhere")


class CaseMutations(BaseModel):
    """The mutation run on one gold case's draft."""

    case: str
    total: int = 0
    caught: int = 0
    undecidable: int = Field(
        default=0, description="Missed changes no evidence could decide (see MutationOutcome)"
    )
    false_blames: int = 0
    unmutated_false_flags: list[str] = Field(default_factory=list)
    unmutated_source_slips: list[str] = Field(
        default_factory=list,
        description="Source slips of the case reported on the unmutated draft (expected)",
    )
    unmutated_placeholders: int = 0
    missed: list[MutationOutcome] = Field(default_factory=list)
    blamed: list[MutationOutcome] = Field(
        default_factory=list, description="Caught or not, with false blames"
    )
    seconds: float = 0.0
    error: str | None = None


def mutate_digit(raw: str) -> str | None:
    """The figure with its last digit changed by one (9 → 8, otherwise +1); None when there is no digit."""
    digits = [k for k, ch in enumerate(raw) if ch.isdigit()]
    if not digits:
        return None
    k = digits[-1]
    d = int(raw[k])
    new = d - 1 if d == 9 else d + 1
    if len(digits) == 1 and new == 0 and raw[k] != "0":
        new = d + 1 if d < 9 else 7  # do not turn '1' into '0' (a figure, not a removal)
    return raw[:k] + str(new) + raw[k + 1 :]


def mutations(markdown: str) -> Iterator[Mutation]:
    """Every figure of the draft the checker must trace (as the checker reads the draft: per sentence,
    heading and cell, so '1.项目背景' stays an ordinal), each changed once, in document order."""
    from assistant.checking.context import CheckContext
    from assistant.checking.documents import parse_text

    lines = markdown.splitlines()
    ctx = CheckContext.build(parse_text(markdown))
    cursor: dict[int, int] = {}
    for i in range(len(ctx.doc.segments)):
        where = _locate(lines, ctx, i, cursor)
        if where is None:
            continue
        line_no, offset = where
        line = lines[line_no]
        for m, reason in zip(ctx.mentions[i], ctx.exempt[i], strict=True):
            if reason is not None:
                continue
            column = offset + m.start
            original = _number_part(line[column : offset + m.end])
            mutated = mutate_digit(original)
            if not original or mutated is None or mutated == original:
                continue
            yield Mutation(
                line=line_no,
                column=column,
                original=original,
                mutated=mutated,
                context=line[max(0, column - 30) : column + len(original) + 20],
            )


def _locate(lines: list[str], ctx, i: int, cursor: dict[int, int]) -> tuple[int, int] | None:
    """(line, offset of the segment's text in it) for a segment of a Markdown draft."""
    seg = ctx.doc.segments[i]
    if seg.block is None:
        return None
    if seg.kind == "cell":
        table = ctx.doc.tables[seg.table]
        source_row = table.source_rows[seg.row] if seg.row < len(table.source_rows) else seg.row
        line_no = _table_line(lines, seg.block, source_row)
        if line_no < 0:
            return None
        line = lines[line_no]
        bars = [k for k, ch in enumerate(line) if ch == "|"]
        if seg.col + 1 >= len(bars):
            return None
        start = line.find(seg.text, bars[seg.col] + 1, bars[seg.col + 1])
        return (line_no, start) if start >= 0 else None
    line = lines[seg.block]
    start = line.find(seg.text, cursor.get(seg.block, 0))
    if start < 0:
        return None
    cursor[seg.block] = start + len(seg.text)
    return seg.block, start


def _number_part(raw: str) -> str:
    norm = normalize(raw)
    k = 0
    while k < len(norm) and (norm[k].isdigit() or norm[k] in ".,"):
        k += 1
    return raw[:k].rstrip(".,")


def apply(markdown: str, mutation: Mutation) -> str:
    lines = markdown.splitlines()
    line = lines[mutation.line]
    end = mutation.column + len(mutation.original)
    assert line[mutation.column : end] == mutation.original
    lines[mutation.line] = line[: mutation.column] + mutation.mutated + line[end:]
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")


def _key(f: Finding) -> tuple[str, str, str]:
    return (f.kind, f.found, f.message)


def _requoted(f: Finding, mutation: Mutation, baseline: set[tuple[str, str, str]]) -> bool:
    """A finding of the unmutated draft that now quotes the changed figure ('…写明预算执行率为 92.74%…' for the
    same doubt about the same score): the same finding, neither caught nor a blame."""
    figure = re.compile(r"(?<![\d.])" + re.escape(mutation.mutated) + r"(?!\d)")
    back = (f.kind, figure.sub(mutation.original, f.found), figure.sub(mutation.original, f.message))
    return back != _key(f) and back in baseline


def _about(f: Finding, mutation: Mutation, markdown_lines: list[str]) -> bool:
    """The finding blames the changed figure: same line (a table's rows are lines too) and the figure it
    reports is the changed one (a finding about another figure of the same line is a blame of that figure)."""
    if f.block is None:
        return False
    line = _table_line(markdown_lines, f.block, f.row) if f.row is not None else f.block
    if line != mutation.line:
        return False
    blamed, changed = figure_of(f.found), figure_of(mutation.mutated)
    several = len(re.findall(r"\d+(?:[.,]\d+)*", f.found)) != 1
    if several or isinstance(blamed, str) or isinstance(changed, str):  # a whole cell or sentence
        return mutation.mutated in f.found or mutation.mutated in f.message
    return blamed[0] == changed[0]


def _table_line(lines: list[str], start: int, row: int) -> int:
    """The line of a Markdown table's row ``row`` (rows counted without the |---| separator)."""
    seen = -1
    for n in range(start, len(lines)):
        text = lines[n].strip()
        if not text:
            continue
        if set(text) <= set("|-: "):
            continue
        seen += 1
        if seen == row:
            return n
    return -1


def _case_numbers(case: Case, sheet: ScoreSheet) -> set:
    from assistant.checking.checks.unsupported import numbers_in
    from assistant.scoring import sheet_values

    return {value for value, _ in numbers_in(case.model_dump(mode="python"))} | {
        value for value, _ in numbers_in(sheet_values(case, sheet))
    }


def undecidable(mutation: Mutation, changes: list[Mutation], known: set) -> str | None:
    """Why a missed change could not be decided, or None: a figure is undecidable only when the draft states
    it nowhere else and neither the case nor the scorer gives it (no second statement, no rule)."""
    value = figure_of(mutation.original)
    if isinstance(value, str):
        return None
    elsewhere = any(
        figure_of(c.original) == value and (c.line, c.column) != (mutation.line, mutation.column)
        for c in changes
    )
    if elsewhere or any(v == value[0] for v in known):
        return None
    return "此数在稿件中只出现一次，案例与评分结果中也没有，无从核对"


def run_case(path: Path, limit: int | None = None) -> CaseMutations:
    """Draft one gold case offline, check it unmutated, then once per mutation."""
    from assistant.drafting import draft_report, draft_self_evaluation
    from assistant.export import to_markdown

    started = time.perf_counter()
    result = CaseMutations(case=path.stem)
    try:
        case: Case = load_case(path)
        sheet: ScoreSheet = score_case(case)
        drafter = draft_self_evaluation if case.kind == "self_evaluation" else draft_report
        markdown = to_markdown(drafter(case, sheet))
    except Exception as exc:  # a drafting failure is recorded, not fatal to the eval
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    base = check_document(markdown, case=case, sheet=sheet)
    baseline = {_key(f) for f in base.findings}
    result.unmutated_placeholders = sum(1 for f in base.findings if f.kind == "placeholder")
    false_flags, reported = clean_draft_flags(path.stem, base.findings, load_source_slips())
    result.unmutated_false_flags = [f"{f.kind}: {f.text[:60]} — {f.message[:120]}" for f in false_flags]
    result.unmutated_source_slips = [f"{s.kind}: {s.message}" for s in reported]
    lines = markdown.splitlines()
    changes = list(mutations(markdown))
    known = _case_numbers(case, sheet)
    for k, mutation in enumerate(changes):
        if limit is not None and k >= limit:
            break
        report = check_document(apply(markdown, mutation), case=case, sheet=sheet)
        new = [f for f in report.findings if _key(f) not in baseline]
        caught = any(_about(f, mutation, lines) for f in new)
        blames = [
            f"{f.kind}: {f.text[:60]} — {f.message[:100]}"
            for f in new
            if not _about(f, mutation, lines) and not _requoted(f, mutation, baseline)
        ]
        outcome = MutationOutcome(mutation=mutation, caught=caught, false_blames=blames)
        if not caught:
            outcome.undecidable = undecidable(mutation, changes, known)
        result.total += 1
        result.caught += int(caught)
        result.undecidable += int(outcome.undecidable is not None)
        result.false_blames += len(blames)
        if not caught:
            result.missed.append(outcome)
        if blames:
            result.blamed.append(outcome)
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def run_mutations(
    cases_dir: Path = DEFAULT_CASES_DIR, limit: int | None = None, only: tuple[str, ...] = ()
) -> list[CaseMutations]:
    """The mutation run over every gold case (``limit`` mutations per case, for a quick look; ``only``: the
    cases whose file name starts with one of these, e.g. ('ev02',))."""
    paths = sorted(cases_dir.glob("*.yaml"))
    if only:
        paths = [p for p in paths if p.stem.startswith(only)]
    return [run_case(path, limit) for path in paths]

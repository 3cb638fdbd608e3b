"""Hand edits of a drafted section (手工修改) that keep numbers linked to the scorer.

The clerk edits the rendered text. On save, every number that still equals a value the report knows is
turned back into a reference to that value; any other number is kept as typed, the section is marked
``edited`` and the number is listed in the section note, so the review shows it as hand-typed.
"""

from __future__ import annotations

import re

from assistant.report import Paragraph, RefSpan, Report, Section, TextSpan, free_numbers

_DIGIT = re.compile(r"[0-9０-９]")


def section_text(section: Section, values: dict[str, str]) -> str:
    """The section's paragraphs rendered, one blank line between paragraphs (what the clerk edits)."""
    return "\n\n".join(p.render(values) for p in section.paragraphs)


def _candidates(section: Section, values: dict[str, str]) -> dict[str, str]:
    """Rendered value → key for every value holding a digit, preferring keys this section referenced."""
    out: dict[str, str] = {}
    for key in section.refs():
        if key in values and _DIGIT.search(values[key]):
            out.setdefault(values[key], key)
    for key, rendered in values.items():
        if _DIGIT.search(rendered):
            out.setdefault(rendered, key)
    return out


def relink_paragraph(text: str, candidates: dict[str, str]) -> Paragraph:
    """Turn every occurrence of a known value back into its reference (longest match first, never inside
    a longer number); everything else, including numbers nobody supplied, stays as typed."""
    spans: list[TextSpan | RefSpan] = []
    if candidates:
        alternatives = "|".join(re.escape(v) for v in sorted(candidates, key=len, reverse=True))
        pattern = re.compile(rf"(?<![0-9０-９.．])(?:{alternatives})(?![0-9０-９]|[.．][0-9０-９])")
        pos = 0
        for m in pattern.finditer(text):
            if m.start() > pos:
                spans.append(TextSpan(text=text[pos : m.start()]))
            spans.append(RefSpan(key=candidates[m.group(0)]))
            pos = m.end()
        text = text[pos:]
    if text:
        spans.append(TextSpan(text=text))
    return Paragraph(spans=spans)


def hand_typed_numbers(section: Section) -> list[str]:
    """Numbers typed into the section's prose rather than referenced (what the review flags)."""
    return [n.rstrip(",，.．") for p in section.paragraphs for n in free_numbers(p.template)]


def apply_edit(report: Report, section_id: str, text: str) -> tuple[Report, list[str]]:
    """A copy of the report with one section's prose replaced by the edited text, and its hand-typed numbers."""
    section = report.section(section_id)
    candidates = _candidates(section, report.values)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    paragraphs = [relink_paragraph(b, candidates) for b in blocks]
    edited = section.model_copy(update={"paragraphs": paragraphs})
    typed = hand_typed_numbers(edited)
    values = report.values
    changed = [p.render(values) for p in paragraphs] != [p.render(values) for p in section.paragraphs]
    if changed:
        # The note is exported with the report, so hand-typed numbers are not listed there: they are
        # found again from the text (prose spans never hold digits otherwise) by the draft and review tabs.
        edited = edited.model_copy(update={"source": "edited"})
    sections = [edited if s.id == section_id else s for s in report.sections]
    return report.model_copy(update={"sections": sections}), typed

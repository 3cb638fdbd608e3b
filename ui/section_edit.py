"""Hand edits of a drafted section (手工修改) that keep numbers linked to the scorer.

The clerk edits the rendered text. On save, every number that still equals a value the report knows is
turned back into a reference to that value; any other number is kept as typed, the section is marked
``edited`` and the number is listed in the section note, so the review shows it as hand-typed.
"""

from __future__ import annotations

import re

from assistant.report import Paragraph, RefSpan, Report, Section, TextSpan, free_numbers

HAND_TYPED_PREFIX = "手工输入的数字："
_NUMBER = re.compile(r"[0-9０-９][0-9０-９.,．，]*[%％]?")


def section_text(section: Section, values: dict[str, str]) -> str:
    """The section's paragraphs rendered, one blank line between paragraphs (what the clerk edits)."""
    return "\n\n".join(p.render(values) for p in section.paragraphs)


def _candidates(section: Section, values: dict[str, str]) -> dict[str, str]:
    """Rendered value → key, preferring the keys this section already referenced."""
    out: dict[str, str] = {}
    for key in section.refs():
        if key in values:
            out.setdefault(values[key], key)
    for key, rendered in values.items():
        if _NUMBER.fullmatch(rendered.strip()):
            out.setdefault(rendered.strip(), key)
    return out


def relink_paragraph(text: str, candidates: dict[str, str]) -> Paragraph:
    """Turn every number that equals a known value back into a reference; keep the rest as typed."""
    spans: list[TextSpan | RefSpan] = []
    pos = 0
    for m in _NUMBER.finditer(text):
        token = m.group(0)
        core = token.rstrip(".,．，")
        key = candidates.get(core)
        if key is None:
            continue
        if m.start() > pos:
            spans.append(TextSpan(text=text[pos : m.start()]))
        spans.append(RefSpan(key=key))
        pos = m.start() + len(core)
    if pos < len(text):
        spans.append(TextSpan(text=text[pos:]))
    return Paragraph(spans=spans)


def hand_typed_numbers(section: Section) -> list[str]:
    """Numbers typed into the section's prose rather than referenced (what the review flags)."""
    return [n for p in section.paragraphs for n in free_numbers(p.template)]


def apply_edit(report: Report, section_id: str, text: str) -> tuple[Report, list[str]]:
    """A copy of the report with one section's prose replaced by the edited text, and its hand-typed numbers."""
    section = report.section(section_id)
    candidates = _candidates(section, report.values)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    paragraphs = [relink_paragraph(b, candidates) for b in blocks]
    edited = section.model_copy(update={"paragraphs": paragraphs})
    typed = hand_typed_numbers(edited)
    note = HAND_TYPED_PREFIX + "、".join(typed) if typed else ""
    changed = [p.template for p in paragraphs] != [p.template for p in section.paragraphs]
    if changed:
        edited = edited.model_copy(update={"source": "edited", "note": note})
    sections = [edited if s.id == section_id else s for s in report.sections]
    return report.model_copy(update={"sections": sections}), typed

"""Quotes as a person reads them (引文整理): a table row as "指标：…；评分标准：…", LaTeX as text, no pipes.

The citation's ``quote`` stays a verbatim slice of the source (so it can be verified); ``display_quote`` is what
is shown. A row is labelled with the header row of its table when the chunk carries one.
"""

from __future__ import annotations

import re

from assistant.text import latex_to_text, norm
from knowledge import strip_context

CELL_SEP = " | "
_CONTEXT = re.compile(r"〈([^〈〉\n]*)〉")
_HTML = re.compile(r"</?p>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u3000]+")
MAX_LABEL = 14
"""Header cells longer than this are not used as labels (a caption, not a column name)."""


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("|")]


def header_cells(chunk_text: str) -> list[str]:
    """The column headers of a table chunk: the first line with several cells and no digits; [] for prose."""
    for line in chunk_text.splitlines()[:4]:
        if "|" not in line:
            continue
        cells = [c for c in _cells(line) if c]
        if len(cells) >= 3 and not any(re.search(r"\d", c) for c in cells):
            return cells
    return []


_NUMERIC_CELL = re.compile(r"^[\d.,%％\s+\-—/()（）分万元个项次天≥≤<>＞＜=]*$")
_NUMERIC_HEADER = re.compile(r"分值|得分率|得分|权重|满分|金额|指标值|完成值|实际")
_RULE_HEADER = re.compile(r"评分|标准|规则|依据|要点|解释|说明|原因")


def _row_display(row: str, headers: list[str], context: list[str]) -> str:
    """A table row as labelled text. Empty cells were dropped when the row was rendered, so cells line up with
    the headers only when their counts agree; otherwise names, figures and the long rule text are labelled
    by what they are (指标 / the figure columns / 评分标准)."""
    cells = [*context, *[c for c in _cells(row) if c]]
    if not headers or len(cells) < 2:
        return "；".join(cells)
    labels = [re.sub(r"[（(].*?[)）]", "", h).strip() for h in headers]
    if len(cells) == len(headers):
        return "；".join(
            f"{label}：{cell}" if label and len(label) <= MAX_LABEL and label != cell else cell
            for label, cell in zip(labels, cells, strict=True)
        )
    names, figures, texts = [], [], []
    for cell in cells:
        if _NUMERIC_CELL.match(cell):
            figures.append(cell)
        elif len(cell) <= 30 and not texts and not figures:
            names.append(cell)
        else:
            texts.append(cell)
    # Labels are only ever the table's own header words, so the shown text adds no word the source lacks.
    parts = []
    name_labels = [lab for lab in labels if "指标" in lab and len(lab) <= MAX_LABEL]
    if names:
        label = name_labels[-1] if name_labels else ""
        parts.append((f"{label}：" if label else "") + "／".join(dict.fromkeys(names)))
    figure_labels = [lab for lab in labels if _NUMERIC_HEADER.search(lab) and not _RULE_HEADER.search(lab)]
    if figures and len(figure_labels) == len(figures):
        parts += [f"{lab}：{fig}" for lab, fig in zip(figure_labels, figures, strict=True)]
    elif figures:
        parts.append("、".join(figures))
    rule_labels = [lab for lab in labels if _RULE_HEADER.search(lab) and len(lab) <= MAX_LABEL]
    label = rule_labels[-1] if rule_labels else ""
    parts += [f"{label}：{t}" if i == 0 and label else t for i, t in enumerate(texts)]
    return "；".join(parts)


def display_quote(quote: str, chunk_text: str = "") -> str:
    """``quote`` as shown to a user: table rows labelled by their headers (or cells joined by ；), LaTeX and
    HTML tags turned into text, whitespace tidied."""
    text = latex_to_text(_HTML.sub("", quote))
    headers = header_cells(chunk_text) if "|" in text else []
    contexts = _row_contexts(chunk_text) if headers else {}
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if "|" in line:
            if headers and [c for c in _cells(line) if c] == headers:
                continue  # the header row itself
            line = _row_display(line, headers, contexts.get(norm(line), []))
        lines.append(_SPACES.sub(" ", line))
    return "；".join(lines) if len(lines) > 1 else (lines[0] if lines else "")


def _row_contexts(chunk_text: str) -> dict[str, list[str]]:
    """For each row of the chunk, the merged cells filled in above it (〈决策〉 | …), keyed by the row's own text."""
    out = {}
    for line in chunk_text.splitlines():
        found = _CONTEXT.findall(line)
        if found:
            out[norm(strip_context(line))] = found
    return out


def same_quote(a: str, b: str) -> bool:
    """Two quotes saying the same (whitespace, widths and LaTeX ignored)."""
    return norm(latex_to_text(a)) == norm(latex_to_text(b))


SCORING_MARKS = re.compile(
    r"得满分|不得分|得\s*\d|扣\s*\d|扣分|扣除|扣完|计分|赋分|[=＝]|×|权重分|得[0-9.]+分"
)
"""A cell stating how points are given (a condition and its points, a formula): the rule of an indicator row."""
_POINTS_CELL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:分)?\s*$")
_WEIGHT = re.compile(r"^\d{1,3}(?:\.5)?$")
"""An indicator's points are whole or half points; a figure like 4.74 beside the name is a score obtained."""
_HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_RULE_HAN = 4
"""A rule cell says its condition in words (得满分, 不得分…); a figure cell such as '=100%' is a target, not a rule."""
_FIGURES = re.compile(r"^[\d.、，,\s]+$")
MAX_NAME_CELL = 20
"""An indicator's name is a short cell; a longer one is its explanation."""


class RuleRow:
    """An indicator row of a scoring table read as a person reads it: the indicator, its points, its rule."""

    def __init__(self, name: str, points: str, rule: str) -> None:
        self.name = name
        self.points = points
        self.rule = rule

    def text(self) -> str:
        """'预算执行率（4分）：①…②…'."""
        points = f"（{self.points}分）" if self.points else ""
        return f"{self.name}{points}：{self.rule}"


def rule_row(quote: str, chunk_text: str = "") -> RuleRow | None:
    """A table-row quote of a scoring table as its indicator (the last short name cell before the rule), the
    points in the cell right after that name, and the cells stating the rule (an explanation cell without
    points or a formula is left out; so are the column headers); None for prose or a row with no rule cell.
    Every word shown is a cell of the row itself (or a merged cell filled in above it)."""
    text = latex_to_text(_HTML.sub("", quote))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) != 1 or "|" not in lines[0]:
        return None
    contexts = _row_contexts(chunk_text) if chunk_text else {}
    cells = [*contexts.get(norm(lines[0]), []), *[c for c in _cells(lines[0]) if c]]
    rules = [
        i
        for i, c in enumerate(cells)
        if SCORING_MARKS.search(c) and len(_HAN.findall(c)) >= MIN_RULE_HAN and not _POINTS_CELL.match(c)
    ]
    if not rules:
        return None
    first_rule = rules[0]
    names = [
        i
        for i, c in enumerate(cells[:first_rule])
        if len(c) <= MAX_NAME_CELL and not _NUMERIC_CELL.match(c) and not _FIGURES.match(c) and "。" not in c
    ]
    if not names:
        return None
    at = names[-1]
    name = re.sub(r"\s+", "", cells[at])
    points = ""
    if at + 1 < len(cells) and (found := _POINTS_CELL.match(cells[at + 1])) and _WEIGHT.match(found.group(1)):
        points = found.group(1)
    rule = " ".join(cells[i] for i in rules)
    return RuleRow(name=name, points=points, rule=_SPACES.sub(" ", rule).strip())

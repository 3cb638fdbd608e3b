"""Contracts of the checker (审核): located text, extracted numbers, findings and the report."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

FindingKind = Literal[
    "arithmetic",
    "deduction",
    "indicator_fact",
    "rule_claim",
    "placeholder",
    "not_checked",
    "total",
    "weights",
    "likert",
    "percentage",
    "grade",
    "consistency",
    "case_value",
    "case_coverage",
    "unsupported",
    "citation",
]
Severity = Literal["error", "warning"]


class Segment(BaseModel):
    """One sentence of prose or one table cell, with where it sits in the document."""

    kind: Literal["sentence", "cell", "heading"]
    text: str = Field(description="The sentence, heading or cell text, as written")
    heading_path: list[str] = Field(default_factory=list, description="Headings from the top of the part")
    part: int = Field(default=0, description="Which report/form of the file (a file may hold several)")
    paragraph: int | None = Field(default=None, description="Paragraph index in the file (0-based)")
    table: int | None = Field(default=None, description="Table index in the file (0-based)")
    row: int | None = Field(default=None, description="Row index in the table (0-based)")
    col: int | None = Field(default=None, description="Column index in the table (0-based)")
    header: str | None = Field(default=None, description="The column header of a cell, when known")
    block: int | None = Field(
        default=None, description="Body block in the file: DOCX paragraph/table order, or the text line"
    )

    @property
    def location(self) -> str:
        """A Chinese location a reviewer can follow, e.g. '三、… > 1. 决策指标分析 · 表5 第8行第6列（得分率）'."""
        where = " > ".join(self.heading_path) or "（文首）"
        if self.kind == "heading":
            return f"{where}（标题）"
        if self.kind == "cell":
            col = f"（{self.header}）" if self.header else ""
            return (
                f"{where} · 表{(self.table or 0) + 1} 第{(self.row or 0) + 1}行第{(self.col or 0) + 1}列{col}"
            )
        return f"{where} · 第{(self.paragraph or 0) + 1}段"


class Table(BaseModel):
    """A table as rows of cell texts (merged cells left blank after their first occurrence)."""

    index: int = Field(description="Table index in the file (0-based)")
    rows: list[list[str]]
    heading_path: list[str] = Field(default_factory=list)
    part: int = 0
    caption: str = Field(
        default="", description="The line just above the table, e.g. '表 3-2 决策指标得分汇总表'"
    )
    block: int | None = Field(default=None, description="Body block of the table in the file")
    source_rows: list[int] = Field(
        default_factory=list, description="Row index in the file of each kept row (empty rows are dropped)"
    )


class Part(BaseModel):
    """One report or self-evaluation form inside a file (a departmental final account holds many)."""

    index: int
    title: str = Field(default="", description="The title line that opened the part, '' for the file start")


class Document(BaseModel):
    """A draft read into located sentences and tables, in reading order."""

    source: str = Field(description="File name or label")
    segments: list[Segment] = Field(default_factory=list, description="Sentences and cells in reading order")
    tables: list[Table] = Field(default_factory=list)
    parts: list[Part] = Field(default_factory=lambda: [Part(index=0)])
    truncated: list[tuple[int, int]] = Field(
        default_factory=list,
        description="(segment, characters left out) for each paragraph or cell too long to check in full",
    )


class NumberMention(BaseModel):
    """A number found in a text, with its unit and the role the surrounding words give it."""

    value: Decimal = Field(description="The value as written (78.57% → 78.57; 4391.8万元 → 4391.8)")
    raw: str = Field(description="The characters of the number and its unit as written")
    unit: str = Field(default="", description="'%', '分', '万元', '元', '亿元', a counter like '个', or ''")
    decimals: int = Field(default=0, description="Digits written after the decimal point (precision)")
    role: str | None = Field(
        default=None,
        description="得分, 满分, 得分率, 预算数, 执行数, 执行率, 扣分, 满意度, 计数, 日期 or None",
    )
    start: int = Field(description="Start offset in the text")
    end: int = Field(description="End offset in the text")


class Finding(BaseModel):
    """One problem the checker found, with where, what was expected and why."""

    kind: FindingKind
    severity: Severity
    location: str = Field(description="Section path and paragraph or table cell")
    text: str = Field(description="The sentence or cell text the finding is about")
    expected: str = Field(default="", description="The value the evidence supports")
    found: str = Field(default="", description="The value written in the draft")
    message: str = Field(description="The reason, in Chinese, with the formula or the evidence")
    part: int = Field(default=0, description="Which report/form of the file")
    kinds: list[FindingKind] = Field(
        default_factory=list,
        description="Every kind of reason for this place (merged findings), first = kind",
    )
    segment: int | None = Field(
        default=None, exclude=True, description="Index of the segment in the checked Document (internal)"
    )
    places: list[tuple[int, str]] = Field(
        default_factory=list,
        exclude=True,
        description="(segment, figure as written) of every figure a relation finding involves (internal)",
    )
    block: int | None = Field(default=None, description="Body block in the file (paragraph/table order)")
    row: int | None = Field(default=None, description="Table row in the file (0-based), for a cell")
    col: int | None = Field(default=None, description="Table column (0-based), for a cell")


class CheckStats(BaseModel):
    """Counts that show how much of the draft was traced to evidence."""

    numbers: int = Field(default=0, description="Numbers extracted (exempt ones excluded)")
    traced: int = Field(default=0, description="Numbers confirmed by a check or matched to a source")
    exempt: int = Field(
        default=0, description="Numbers never checked: years, dates, ordinals, document numbers…"
    )
    sentences: int = 0
    headings: int = 0
    cells: int = 0
    tables: int = 0
    parts: int = 0
    errors: int = 0
    warnings: int = 0


class PartSummary(BaseModel):
    """One report or form of a checked file, as a line of the reviewer's summary (汇总)."""

    index: int = Field(description="Part index in the file (0 = text before the first title)")
    title: str = Field(default="", description="The title line of the report/form")
    unit: str = Field(default="", description="主管部门/预算单位 as written, when found")
    project: str = Field(default="", description="项目名称 as written, or the title without its suffix")
    reported_total: str = Field(default="", description="The total score the document states, as written")
    recomputed_total: str = Field(
        default="", description="The total recomputed (case, scorer or sum of rows)"
    )
    errors: int = 0
    warnings: int = 0
    first_finding: str = Field(default="", description="Location and reason of the first (error) finding")


class CheckReport(BaseModel):
    """What the checker returns: the findings and the stats."""

    source: str = ""
    findings: list[Finding] = Field(default_factory=list)
    stats: CheckStats = Field(default_factory=CheckStats)
    parts: list[PartSummary] = Field(default_factory=list, description="One summary line per report/form")

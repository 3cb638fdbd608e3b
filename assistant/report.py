"""The report model: sections of paragraphs whose every figure is a reference, never free-typed text.

A paragraph is a list of spans: plain text (written by a template or a model, containing no digits) and
references ``{ref:key}`` to a named value (from the scorer's ``sheet_values``, the case, or a value computed
by the drafter such as a problem count). References render at export from ``Report.values``; so a number
in the output can only be one that was supplied, never one a model made up.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from assistant.errors import InputError
from assistant.models import Citation

REF_PATTERN = re.compile(r"\{ref:([^{}]+)\}")
"""A number (or case fact) reference inside template text, e.g. ``{ref:group[决策].rate}``."""

_CN_NUMERAL_RUN = re.compile(r"百分之[零〇一二三四五六七八九十百千点]+|[零〇一二三四五六七八九十百千万亿两]+")
# Chinese numeral runs that are not quantities: idioms, and 万/亿 written as the unit right after a reference.
_CN_IDIOMS = ("十分", "千万", "万一", "百姓", "千方百计", "一一", "万无一失", "一以贯之")
_ORDINAL_BEFORE = ("第", "其", "（", "(")
_ORDINAL_AFTER = ("是", "级", "）", ")", "、")

SectionSource = Literal["offline", "llm", "edited"]


class TextSpan(BaseModel):
    """Literal prose from a template or a model; never holds a digit."""

    kind: Literal["text"] = "text"
    text: str


class RefSpan(BaseModel):
    """A reference to a named value in ``Report.values`` (scorer figure, case fact or computed count)."""

    kind: Literal["ref"] = "ref"
    key: str = Field(description="Value key, e.g. 'total', 'budget.executed', 'indicator[产出指标/质量指标/在线率].score'")


Span = Annotated[TextSpan | RefSpan, Field(discriminator="kind")]


class Paragraph(BaseModel):
    """One paragraph (or one table cell): text spans and value references in order."""

    spans: list[Span] = Field(default_factory=list)
    label: str = Field(default="", description="List label printed before the text, e.g. '（1）' (structure, not a figure)")

    @classmethod
    def from_template(cls, template: str, label: str = "") -> Paragraph:
        """Parse ``'总分{ref:total}分'`` into spans."""
        spans: list[TextSpan | RefSpan] = []
        pos = 0
        for m in REF_PATTERN.finditer(template):
            if m.start() > pos:
                spans.append(TextSpan(text=template[pos : m.start()]))
            spans.append(RefSpan(key=m.group(1).strip()))
            pos = m.end()
        if pos < len(template):
            spans.append(TextSpan(text=template[pos:]))
        return cls(spans=spans, label=label)

    @property
    def template(self) -> str:
        """The paragraph back as template text with ``{ref:key}`` markers."""
        return "".join(s.text if isinstance(s, TextSpan) else f"{{ref:{s.key}}}" for s in self.spans)

    @property
    def refs(self) -> list[str]:
        return [s.key for s in self.spans if isinstance(s, RefSpan)]

    def render(self, values: dict[str, str]) -> str:
        """Substitute every reference; an unknown key is an error, never an empty string."""
        out = [self.label]
        for s in self.spans:
            if isinstance(s, TextSpan):
                out.append(s.text)
            elif s.key in values:
                out.append(values[s.key])
            else:
                raise InputError(f"起草结果引用了不存在的数值「{s.key}」。")
        return "".join(out)


class Table(BaseModel):
    """A table whose header and cells are paragraphs (cells may hold references)."""

    title: str = Field(default="", description="Caption, e.g. 表3-1 绩效评价指标得分简表")
    header: list[str] = Field(description="Column headings (plain text)")
    rows: list[list[Paragraph]] = Field(default_factory=list)

    @classmethod
    def from_templates(cls, title: str, header: list[str], rows: list[list[str]]) -> Table:
        return cls(title=title, header=header, rows=[[Paragraph.from_template(c) for c in r] for r in rows])

    def render_rows(self, values: dict[str, str]) -> list[list[str]]:
        return [[c.render(values) for c in row] for row in self.rows]


class Section(BaseModel):
    """One heading of the report with its own paragraphs and tables (sub-sections are separate entries)."""

    id: str = Field(description="Stable id, e.g. 'problems' or 'analysis.group.决策'")
    title: str = Field(description="Heading text without numbering, e.g. 存在的问题及原因分析")
    level: int = Field(ge=1, le=4, description="1 = 一、 2 = （一） 3 = 1. 4 = （1）")
    numbering: str = Field(default="", description="The rendered number, e.g. '五、' or '（二）'")
    paragraphs: list[Paragraph] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list, description="Precedents this section drew on")
    source: SectionSource = Field(default="offline", description="Who wrote it: offline drafter, LLM, or a user edit")
    note: str = Field(default="", description="Why a fallback happened, shown to the user (Chinese)")
    numbered: bool = Field(default=True, description="False for a front page such as 绩效评价总览表 (no 一、)")

    @property
    def heading(self) -> str:
        return f"{self.numbering}{self.title}"

    def refs(self) -> list[str]:
        keys = [k for p in self.paragraphs for k in p.refs]
        keys += [k for t in self.tables for row in t.rows for c in row for k in c.refs]
        return keys


class FormIndicatorRow(BaseModel):
    """One 年度绩效指标 row of the self-evaluation form; every cell is a paragraph (names and values are refs)."""

    level1: Paragraph
    level2: Paragraph
    level3: Paragraph
    target: Paragraph = Field(description="年度指标值")
    actual: Paragraph = Field(description="实际完成指标值")
    weight: Paragraph = Field(description="分值")
    score: Paragraph = Field(description="得分")
    deviation: Paragraph = Field(default_factory=Paragraph, description="偏差原因分析及改进措施 (rows that lost points)")
    lost_points: bool = False

    def cells(self) -> list[Paragraph]:
        return [self.level1, self.level2, self.level3, self.target, self.actual, self.weight, self.score, self.deviation]


class SelfEvaluationForm(BaseModel):
    """项目支出绩效自评表, laid out as in the corpus forms."""

    year: Paragraph = Field(description="The year in the title, e.g. {ref:project.year}")
    project_name: Paragraph
    department: Paragraph = Field(description="主管部门")
    implementer: Paragraph = Field(description="实施单位")
    budget_rows: list[list[Paragraph]] = Field(
        description="Rows 年度资金总额/其中：当年财政拨款/上年结转资金/其他资金: label, 年初预算数, 全年预算数, "
        "全年执行数, 分值, 执行率, 得分 (the last three only on the first row)"
    )
    goal_expected: Paragraph = Field(description="年初预期目标")
    goal_actual: Paragraph = Field(description="目标实际完成情况")
    indicators: list[FormIndicatorRow] = Field(default_factory=list)
    total: Paragraph = Field(description="总分")
    shortfall_note: Paragraph = Field(
        default_factory=Paragraph, description="总分在80分以下的项目未实现绩效目标的原因分析及拟采取的措施说明"
    )

    def paragraphs(self) -> list[Paragraph]:
        out = [self.year, self.project_name, self.department, self.implementer]
        out += [c for row in self.budget_rows for c in row]
        out += [self.goal_expected, self.goal_actual, self.total, self.shortfall_note]
        out += [c for row in self.indicators for c in row.cells()]
        return out


class Report(BaseModel):
    """A drafted evaluation report or self-evaluation form."""

    kind: Literal["report", "self_evaluation"] = "report"
    title: str
    subtitle: str = Field(default="", description="Unit and date line under the title")
    sections: list[Section] = Field(default_factory=list)
    form: SelfEvaluationForm | None = Field(default=None, description="The form itself, for kind=self_evaluation")
    values: dict[str, str] = Field(
        default_factory=dict, description="Every referable value, already formatted (e.g. '78.57%')"
    )
    origins: dict[str, str] = Field(
        default_factory=dict, description="Where each value came from: scorer | case | computed | source"
    )

    @model_validator(mode="after")
    def _refs_resolve(self) -> Report:
        keys = {k for s in self.sections for k in s.refs()}
        if self.form is not None:
            keys |= {k for p in self.form.paragraphs() for k in p.refs}
        missing = sorted(k for k in keys if k not in self.values)
        if missing:
            raise InputError("起草结果引用了不存在的数值：" + "、".join(missing))
        return self

    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph and table cell of the report, in order (used by the faithfulness eval)."""
        out = [p for s in self.sections for p in s.paragraphs]
        out += [c for s in self.sections for t in s.tables for row in t.rows for c in row]
        if self.form is not None:
            out += self.form.paragraphs()
        return out

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise InputError(f"报告中没有章节「{section_id}」。")

    def part(self, part_id: str) -> list[Section]:
        """The sections of one drafting unit: the section ``part_id`` and its sub-sections ``part_id.*``."""
        found = [s for s in self.sections if s.id == part_id or s.id.startswith(part_id + ".")]
        if not found:
            raise InputError(f"报告中没有章节「{part_id}」。")
        return found

    def replace_part(self, part_id: str, new_sections: list[Section]) -> Report:
        """A copy with one drafting unit swapped for new sections, renumbered."""
        old_ids = {s.id for s in self.part(part_id)}
        first = next(i for i, s in enumerate(self.sections) if s.id in old_ids)
        kept = [s for s in self.sections if s.id not in old_ids]
        sections = kept[:first] + list(new_sections) + kept[first:]
        return self.model_copy(update={"sections": number_sections(sections)})


_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (enough for headings)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def number_sections(sections: list[Section]) -> list[Section]:
    """Assign corpus-style numbering 一、（一）1.（1） by level, restarting below each parent."""
    counters = [0, 0, 0, 0]
    out = []
    for s in sections:
        if not s.numbered:
            out.append(s.model_copy(update={"numbering": ""}))
            continue
        counters[s.level - 1] += 1
        for deeper in range(s.level, 4):
            counters[deeper] = 0
        n = counters[s.level - 1]
        numbering = {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}.", 4: f"（{n}）"}[s.level]
        out.append(s.model_copy(update={"numbering": numbering}))
    return out


def free_numbers(text: str) -> list[str]:
    """Numbers typed into text outside ``{ref:key}`` markers: any Arabic digit (ASCII or full-width), and
    Chinese numerals used as a quantity ("三个问题", "两小时", "十二项"). Not counted: a lone 一 (一步, 统一,
    一次), ordinals and list markers (第三, 其二, 一是, 二级指标, （一）, 一、), and 万/亿 as the unit right
    after a reference ("{ref:budget.annual}万元")."""
    found: list[str] = []
    for n, segment in enumerate(REF_PATTERN.split(text)):
        if n % 2:  # odd items are the keys captured inside {ref:…}
            continue
        found += [m.group(0) for m in re.finditer(r"[0-9０-９][0-9０-９.,．，%％]*", segment)]
        for m in _CN_NUMERAL_RUN.finditer(segment):
            run, start, end = m.group(0), m.start(), m.end()
            if start == 0 and n > 0 and run[0] in "万亿":
                run, start = run[1:], start + 1
            if not run or run == "一":
                continue
            before, after = segment[start - 1 : start], segment[end : end + 1]
            if before in _ORDINAL_BEFORE or after in _ORDINAL_AFTER:
                continue
            if any(idiom in segment[max(0, start - 3) : end + 3] and run in idiom for idiom in _CN_IDIOMS):
                continue
            found.append(run)
    return found


def validate_no_free_numbers(text: str, allowed_keys: set[str] | dict[str, str]) -> None:
    """Reject model text that types a number itself or references a value nobody supplied.

    Raises :class:`InputError` with a Chinese message that is fed back to the model on the re-ask. When
    ``allowed_keys`` maps keys to their values, a typed number that equals a supplied value is answered with
    the key to use instead ("「88.8」请写作 {ref:total}").
    """
    problems = []
    typed = free_numbers(text)
    if typed:
        hints = _key_hints(typed, allowed_keys) if isinstance(allowed_keys, dict) else []
        problems.append(
            "文中直接写了数字「" + "」「".join(typed) + "」；所有数字必须用 {ref:键名} 引用给定数值"
            + ("（" + "；".join(hints) + "）" if hints else "")
        )
    unknown = [k.strip() for k in REF_PATTERN.findall(text) if k.strip() not in allowed_keys]
    if unknown:
        problems.append("引用了不存在的键「" + "」「".join(unknown) + "」；只能使用给定的键名")
    if problems:
        raise InputError("；".join(problems) + "。")


def _key_hints(typed: list[str], facts: dict[str, str], per_number: int = 2) -> list[str]:
    hints = []
    for number in dict.fromkeys(typed):
        bare = number.rstrip("%％")
        keys = [k for k, v in facts.items() if v in (number, bare, bare + "%")][:per_number]
        if keys:
            hints.append(f"「{number}」请写作 " + " 或 ".join(f"{{ref:{k}}}" for k in keys))
    return hints


def format_decimal(value: Decimal) -> str:
    """Two decimals at most, trailing zeros dropped: 4.00 → 4, 1.20 → 1.2, 5.57 → 5.57."""
    q = value.quantize(Decimal("0.01"))
    text = format(q, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def is_rate_key(key: str) -> bool:
    """Rate keys (``rate``, ``group[决策].rate``, ``budget.year[2023].rate``) hold percentages."""
    return key == "rate" or key.endswith(".rate")


def format_value(key: str, value: Decimal | int | str) -> str:
    """Format a value for prose: rates as percentages with two decimals (the scorer gives 92.86 for 92.86%),
    money and scores with at most two decimals and no trailing zeros."""
    if isinstance(value, str):
        return value
    value = Decimal(value)
    if is_rate_key(key):
        return f"{value.quantize(Decimal('0.01'))}%"
    return format_decimal(value)

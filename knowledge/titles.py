"""Make every document title unique within its file, in words a person recognises.

A citation names its document by title, so two documents of one file must never share one. 002_…txt holds
twelve self-evaluation forms (绩效自评表), seven of them for the same fund (信息技术发展资金) and two for the
same project; the department's summary table tells them apart only by their figures. The rule, applied to
each group of documents that share a title:

1. A document whose text repeats an earlier one of the group line for line is a duplicate in the source:
   it gets the earlier one's (final) title with "（重复）" appended ("（重复2）" for a third copy); the
   rest applies to the others.
2. A self-evaluation form is qualified, between the project name and "项目支出绩效自评表", by what its own
   text says the money was for: the items of its cost indicators (成本指标, the 三级指标 other than 总成本),
   e.g. "政府云专项经费" gives "信息技术发展资金（政府云）项目支出绩效自评表（2023年度）"; a form listing
   several items is named by the first ("（大数据安全监管等4项）"). Generic items ("年投入资金",
   "费用支出") name nothing.
3. Failing that, a form is qualified by its full-year budget (全年预算数), e.g. "（全年预算1614.05万元）".
4. Failing that (or for any other kind of document) the title is numbered by its place among the
   same-titled documents: "（第2张）" for a form, "（第2篇）" otherwise.

A qualifier is used only when no other document of the group gets the same one. Should a qualified
title still equal another title of the file, those are numbered "（第N篇）" as a last resort.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from .document import SourceLine
from .text import compact

FORM_TITLE_WORDS = "项目支出绩效自评表"
"""What follows the project name in a form's title (see `splitting._form_title`)."""
LEVEL_ONE = ("成本指标", "产出指标", "效益指标", "满意度指标")
"""The first-level indicators of a self-evaluation form's indicator table."""
_COST_SUFFIX = re.compile(r"(?:专项经费|专项资金|项目成本|成本|经费|资金|费用|费)$")
_GENERIC_ITEM = re.compile(r"(?:年度?|全年|当年|年初|总|其他|投入|费用|支出|项目|资金|经费|成本)+")
_BUDGET_ROW = "年度资金总额"
_BUDGET_COLUMN = "全年预算数"
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def unique_titles(
    titles: Sequence[str], kinds: Sequence[str], contents: Sequence[Sequence[SourceLine]]
) -> list[str]:
    """The titles of one file's documents, each made unique by the rule in the module docstring.

    `kinds` are the documents' types ("self_evaluation" for forms), `contents` their lines.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for index, title in enumerate(titles):
        groups[title].append(index)
    out = list(titles)
    for title, members in groups.items():
        if len(members) < 2:
            continue
        texts = [tuple(line.text for line in contents[i]) for i in members]
        first_of = [members[texts.index(text)] for text in texts]
        originals = [i for i, first in zip(members, first_of, strict=True) if i == first]
        if len(originals) > 1:
            qualifiers = _qualifiers(originals, kinds, contents)
            for i, qualifier in zip(originals, qualifiers, strict=True):
                out[i] = _qualified(title, qualifier, kinds[i] == "self_evaluation")
        repeats: dict[int, int] = defaultdict(int)
        for i, first in zip(members, first_of, strict=True):
            if i != first:
                repeats[first] += 1
                count = repeats[first]
                out[i] = f"{out[first]}（重复{count if count > 1 else ''}）"
    return _numbered_if_still_equal(out)


def _numbered_if_still_equal(titles: list[str]) -> list[str]:
    """The last resort, should a qualified title equal another document's title: number them all."""
    counts: dict[str, int] = defaultdict(int)
    for title in titles:
        counts[title] += 1
    seen: dict[str, int] = defaultdict(int)
    out: list[str] = []
    for title in titles:
        if counts[title] > 1:
            seen[title] += 1
            title = f"{title}（第{seen[title]}篇）"
        out.append(title)
    return out


def _qualifiers(
    members: list[int], kinds: Sequence[str], contents: Sequence[Sequence[SourceLine]]
) -> list[str]:
    chosen: list[str | None] = [None] * len(members)
    forms = [kinds[i] == "self_evaluation" for i in members]
    for describe in (_cost_items_qualifier, _budget_qualifier):
        candidates = [
            describe(contents[i]) if form and chosen[n] is None else None
            for n, (i, form) in enumerate(zip(members, forms, strict=True))
        ]
        taken = [q for q in chosen if q]
        for n, candidate in enumerate(candidates):
            if candidate and candidates.count(candidate) == 1 and candidate not in taken:
                chosen[n] = candidate
    return [
        q or (f"第{n + 1}张" if form else f"第{n + 1}篇")
        for n, (q, form) in enumerate(zip(chosen, forms, strict=True))
    ]


def _qualified(title: str, qualifier: str, form: bool) -> str:
    if form and FORM_TITLE_WORDS in title:
        return title.replace(FORM_TITLE_WORDS, f"（{qualifier}）{FORM_TITLE_WORDS}", 1)
    return f"{title}（{qualifier}）"


def cost_items(lines: Sequence[SourceLine]) -> list[str]:
    """The 三级指标 under a form's 成本指标, other than 总成本, in order (the items the money paid for).

    Indicator rows are read by their labels, not by column: the forms' header and data rows are often
    shifted against each other by merged cells. A row's first-level label (成本指标…) holds until the next
    one; its indicator name is the first cell after the level labels (cells ending in 指标).
    """
    items: list[str] = []
    level_one: str | None = None
    for line in lines:
        if not line.table_row:
            continue
        cells = [compact(c) for c in line.cells if c.strip()]
        found = next((c for c in cells if c in LEVEL_ONE), None)
        if found:
            if level_one == "成本指标" and found != "成本指标":
                break
            level_one = found
        if level_one != "成本指标":
            continue
        names = [c for c in cells if c != "年度绩效指标" and not c.endswith("指标")]
        if names and names[0] != "总成本" and names[0] not in items:
            items.append(names[0])
    return items


def _cost_items_qualifier(lines: Sequence[SourceLine]) -> str | None:
    items = [name for name in (_short_item(i) for i in cost_items(lines)) if name]
    if not items:
        return None
    return items[0] if len(items) == 1 else f"{items[0]}等{len(items)}项"


def _short_item(item: str) -> str | None:
    """'政府云专项经费' -> '政府云'; a generic item ('年投入资金') -> None."""
    name = _COST_SUFFIX.sub("", item)
    name = re.sub(r"项目$", "", name) or name
    if len(name) < 2 or _GENERIC_ITEM.fullmatch(name):
        return None
    return name


def _budget_qualifier(lines: Sequence[SourceLine]) -> str | None:
    """'全年预算1614.05万元' from the 项目预算执行情况 rows (header, then 年度资金总额)."""
    header: list[str] | None = None
    for line in lines:
        if not line.table_row:
            continue
        cells = [compact(c) for c in line.cells if c.strip()]
        if any(c.startswith(_BUDGET_COLUMN) for c in cells) and any(c.startswith("年初预算") for c in cells):
            header = [c for c in cells if "预算" in c or "执行" in c or c in ("分值", "得分")]
            header = header[next(n for n, c in enumerate(header) if c.startswith("年初预算")) :]
            continue
        if header and _BUDGET_ROW in cells:
            values = cells[cells.index(_BUDGET_ROW) + 1 :]
            column = next(n for n, c in enumerate(header) if c.startswith(_BUDGET_COLUMN))
            if column < len(values) and _NUMBER.match(values[column]):
                unit = "万元" if any("万元" in line.text for line in lines[:5]) else ""
                return f"全年预算{values[column]}{unit}"
            return None
    return None

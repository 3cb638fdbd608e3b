"""The standard outlines: the evaluation report of domain.md §1b and the self-evaluation form of §1a.

A *part* is the unit a drafter writes and a user asks to redraft ("起草问题部分"): one or more sections
whose ids start with the part id. Level-1 headings that only group parts are fixed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One drafting unit of the report."""

    id: str
    title: str = ""
    aliases: tuple[str, ...] = ()
    """Words a user may use for it in chat (起草问题部分 → problems)."""


@dataclass(frozen=True)
class Heading:
    """A level-1 heading and the parts under it, in order.

    ``fixed`` headings only group their parts (一、项目基本情况); otherwise the single part writes the
    level-1 heading itself, so redrafting it can change its opening paragraph too.
    """

    id: str
    title: str
    parts: tuple[Part, ...]
    fixed: bool = False


REPORT_OUTLINE: tuple[Heading, ...] = (
    Heading("h.summary", "绩效评价总览表", (Part("summary", "绩效评价总览表", ("总览", "概要")),)),
    Heading(
        "h.basic",
        "项目基本情况",
        (
            Part("overview", "项目概况", ("概况", "背景", "基本情况", "资金")),
            Part("goals", "项目绩效目标", ("绩效目标", "目标")),
        ),
        fixed=True,
    ),
    Heading("h.work", "绩效评价工作开展情况", (Part("work", "", ("评价工作", "开展情况", "评价方法", "工作过程")),)),
    Heading("h.conclusion", "综合评价情况及评价结论", (Part("conclusion", "", ("结论", "综合评价", "总分", "得分表")),)),
    Heading("h.analysis", "绩效评价指标分析", (Part("analysis", "", ("指标分析", "扣分", "失分")),)),
    Heading(
        "h.lessons",
        "主要经验及做法、存在的问题及原因分析",
        (
            Part("experience", "主要经验及做法", ("经验", "做法")),
            Part("problems", "存在的问题及原因分析", ("问题",)),
        ),
        fixed=True,
    ),
    Heading("h.suggestions", "有关建议", (Part("suggestions", "", ("建议",)),)),
    Heading("h.other", "其他需要说明的问题", (Part("other", "", ("其他需要说明", "其他")),)),
)

SELF_EVALUATION_PARTS: tuple[Part, ...] = (
    Part("deviations", "偏差原因分析及改进措施", ("偏差", "原因", "改进", "措施")),
)


def report_parts() -> list[Part]:
    return [p for h in REPORT_OUTLINE for p in h.parts]


def part_for_request(request: str, kind: str = "report") -> Part | None:
    """The part a chat request names ("把建议写得更具体" → suggestions), or None."""
    parts = report_parts() if kind == "report" else list(SELF_EVALUATION_PARTS)
    best: tuple[int, Part] | None = None
    for part in parts:
        for word in (part.title, *part.aliases):
            if word and word in request and (best is None or len(word) > best[0]):
                best = (len(word), part)
    return best[1] if best else None

"""Report outlines as data: ``outlines/*.yaml`` (the national outline of the Jinan reports, the four-level
Shanghai variant, a 自评报告), and the self-evaluation form's one part.

A *part* is the unit a drafter writes and a user asks to redraft ("起草问题部分"): one or more sections
whose ids start with the part id. An outline file orders the level-1 headings, names the parts under each
(a ``fixed`` heading only groups its parts), the words a user may call them by, the title pattern of the
per-group analysis sections, the front matter and the appendices. A new province's template is a new file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from assistant.errors import InputError

OUTLINE_DIR = Path(__file__).resolve().parent / "outlines"
DEFAULT_OUTLINE = "national"
FOUR_LEVEL_OUTLINE = "four_level"


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


@dataclass(frozen=True)
class Outline:
    """One report outline read from ``outlines/<id>.yaml``."""

    id: str
    name: str
    headings: tuple[Heading, ...]
    analysis_title: str = "{group}指标分析"
    title_suffix: str = "绩效评价报告"
    front: tuple[str, ...] = ("cover", "toc", "checklist")
    appendices: tuple[str, ...] = field(default=("criteria", "scores", "problem_list", "survey"))

    def parts(self) -> list[Part]:
        return [p for h in self.headings for p in h.parts]


def outline_ids() -> list[str]:
    return sorted(p.stem for p in OUTLINE_DIR.glob("*.yaml"))


@cache
def load_outline(outline_id: str = DEFAULT_OUTLINE) -> Outline:
    """The outline file ``outlines/<outline_id>.yaml`` (a clear Chinese error names the known ones)."""
    path = OUTLINE_DIR / f"{outline_id}.yaml"
    if not path.is_file():
        raise InputError(f"未知的报告提纲「{outline_id}」；可选：" + "、".join(outline_ids()))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    headings = tuple(
        Heading(
            h["id"],
            h["title"],
            tuple(Part(p["id"], p.get("title", ""), tuple(p.get("aliases", ()))) for p in h["parts"]),
            bool(h.get("fixed", False)),
        )
        for h in data["headings"]
    )
    extra = {
        k: tuple(data[k]) if isinstance(data[k], list) else data[k]
        for k in ("analysis_title", "title_suffix", "front", "appendices")
        if k in data
    }
    return Outline(id=data["id"], name=data["name"], headings=headings, **extra)


def outline_for(case, chosen: str | None = None) -> Outline:
    """The outline asked for, else the one the case's indicator tree calls for: four levels → the Shanghai
    variant, otherwise the national outline."""
    if chosen:
        return load_outline(chosen)
    depth = max((len(i.path) for i in case.indicators), default=3)
    return load_outline(FOUR_LEVEL_OUTLINE if depth >= 4 else DEFAULT_OUTLINE)


REPORT_OUTLINE: tuple[Heading, ...] = load_outline(DEFAULT_OUTLINE).headings

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

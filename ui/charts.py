"""Score charts (得分率图) as plain HTML bars: drawn by the browser with its own fonts, current whenever the
tab is shown, with the value written on every bar, and readable on a phone."""

from __future__ import annotations

import html
from decimal import Decimal

PALETTE = ["#2e90fa", "#12b76a", "#f79009", "#7a5af8", "#ee46bc", "#06aed4", "#f04438", "#667085"]


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01'))}%"


def rate_bars(title: str, groups, elem_id: str) -> str:
    """One horizontal bar per group (得分率, 0–100%), coloured by its 一级指标, value label at the bar's end.

    A 二级 name used under two 一级 (e.g. 满意度) is shown with its parent so the bars stay apart."""
    if not groups:
        return f'<div id="{elem_id}" class="pe-chart"><div class="pe-chart-title">{html.escape(title)}</div><p>暂无数据</p></div>'
    names = [g.path[-1] for g in groups]
    parents = list(dict.fromkeys(g.path[0] for g in groups))
    rows = []
    for g in groups:
        name = g.path[-1] if names.count(g.path[-1]) == 1 else "/".join(g.path[-2:])
        width = max(0.0, min(100.0, float(g.rate * 100)))
        colour = PALETTE[parents.index(g.path[0]) % len(PALETTE)]
        label = f"{_pct(g.rate)}（{_num(g.score)}/{_num(g.weight)}分）"
        rows.append(
            f'<div class="pe-bar-row"><span class="pe-bar-name" title="{html.escape("/".join(g.path))}">{html.escape(name)}</span>'
            f'<span class="pe-bar-track"><span class="pe-bar-fill" style="width:{width:.2f}%;background:{colour}"></span></span>'
            f'<span class="pe-bar-value">{label}</span></div>'
        )
    legend = "".join(
        f'<span class="pe-legend"><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{html.escape(p)}</span>'
        for i, p in enumerate(parents)
    )
    return (
        f'<div id="{elem_id}" class="pe-chart"><div class="pe-chart-title">{html.escape(title)}</div>'
        + "".join(rows)
        + (f'<div class="pe-legends">{legend}</div>' if len(parents) > 1 else "")
        + "</div>"
    )


def _num(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text

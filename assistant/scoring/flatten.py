"""Every number a report may quote, flattened into named keys so drafts and the checker can trace them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from assistant.case import Case

from .sheet import ScoreSheet
from .values import ValueParseError, parse_value


def _percent(fraction: Decimal) -> Decimal:
    return (fraction * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _numeric(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        value = parse_value(text)
    except ValueParseError:
        return None
    return value.number if value.kind == "number" else None


def sheet_values(case: Case, sheet: ScoreSheet) -> dict[str, Decimal | str]:
    """Flatten the case and its score sheet into ``{key: value}``.

    Key format (all rates are **percentages with 2 decimals**, e.g. ``Decimal('92.86')`` for 92.86%;
    money is in 万元 as in the case; paths join indicator names with ``/``):

    - ``total``, ``max_total``, ``rate`` (总得分率), ``grade`` (str), ``kind`` (str);
      ``reported_total`` / ``reported_grade`` when the source document gave them
    - ``project.name`` / ``project.department`` / ``project.implementer`` / ``project.evaluator`` (str),
      ``project.year``
    - ``budget.initial``, ``budget.annual``, ``budget.executed``, ``budget.balance`` (annual − executed),
      ``budget.rate`` (执行率), ``budget.weight``, ``budget.score`` (when scored);
      per year: ``budget.year[2023].annual`` / ``.executed`` / ``.rate``
    - ``group[<一级>].weight`` / ``.score`` / ``.rate`` / ``.lost``; deeper groups as
      ``group[<一级>/<二级>].score`` and so on
    - ``indicator[<a>/<b>/<c>].weight`` / ``.score`` / ``.lost`` / ``.rate``, ``.reported_score`` (when given),
      ``.target`` / ``.actual`` (text as written), ``.target_value`` / ``.actual_value`` (the number, when numeric),
      ``.rule`` / ``.formula`` (str)
    - ``count.indicators``, ``count.lost`` (indicators below full marks), ``count.judged``,
      ``count.groups[1]`` (一级 count), ``count.groups[2]`` …
    """
    values: dict[str, Decimal | str] = {
        "kind": case.kind,
        "total": sheet.total,
        "max_total": sheet.max_total,
        "rate": _percent(sheet.rate),
        "grade": sheet.grade,
        "project.name": case.project.name,
        "project.department": case.project.department,
        "project.implementer": case.project.implementer,
        "project.evaluator": case.project.evaluator,
    }
    if case.project.year is not None:
        values["project.year"] = Decimal(case.project.year)
    if case.reported_total is not None:
        values["reported_total"] = case.reported_total
    if case.reported_grade is not None:
        values["reported_grade"] = case.reported_grade

    if sheet.budget is not None:
        b = sheet.budget
        values["budget.annual"] = b.annual
        values["budget.executed"] = b.executed
        values["budget.balance"] = b.annual - b.executed
        values["budget.rate"] = _percent(b.rate)
        if b.initial is not None:
            values["budget.initial"] = b.initial
        if b.weight is not None:
            values["budget.weight"] = b.weight
        if b.score is not None:
            values["budget.score"] = b.score
    if case.budget is not None:
        for line in case.budget.years:
            prefix = f"budget.year[{line.year}]"
            values[f"{prefix}.annual"] = line.annual
            values[f"{prefix}.executed"] = line.executed
            if line.annual > 0:
                values[f"{prefix}.rate"] = _percent(line.executed / line.annual)

    for g in sheet.groups:
        prefix = f"group[{g.key}]"
        values[f"{prefix}.weight"] = g.weight
        values[f"{prefix}.score"] = g.score
        values[f"{prefix}.rate"] = _percent(g.rate)
        values[f"{prefix}.lost"] = g.lost

    for r in sheet.indicators:
        prefix = f"indicator[{r.key}]"
        values[f"{prefix}.weight"] = r.weight
        values[f"{prefix}.score"] = r.score
        values[f"{prefix}.lost"] = r.lost
        values[f"{prefix}.rate"] = _percent(r.score / r.weight)
        values[f"{prefix}.rule"] = r.rule
        values[f"{prefix}.formula"] = r.formula
        if r.reported_score is not None:
            values[f"{prefix}.reported_score"] = r.reported_score
        for name, text in (("target", r.target), ("actual", r.actual)):
            if text:
                values[f"{prefix}.{name}"] = text
                number = _numeric(text)
                if number is not None:
                    values[f"{prefix}.{name}_value"] = number

    values["count.indicators"] = Decimal(len(sheet.indicators))
    values["count.lost"] = Decimal(len(sheet.lost_points()))
    values["count.judged"] = Decimal(len(sheet.judged_indicators()))
    for level in sorted({g.level for g in sheet.groups}):
        values[f"count.groups[{level}]"] = Decimal(len(sheet.level(level)))
    return values

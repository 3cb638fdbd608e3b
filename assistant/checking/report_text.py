"""The readable (non-JSON) rendering of a CheckReport for the terminal, in Chinese."""

from __future__ import annotations

from .models import CheckReport

KIND_LABELS = {
    "arithmetic": "算术",
    "total": "合计",
    "weights": "权重",
    "likert": "满意度均值",
    "percentage": "占比",
    "grade": "等级",
    "consistency": "前后不一致",
    "case_value": "与评分结果不符",
    "case_coverage": "问题与建议覆盖",
    "unsupported": "无依据",
    "citation": "引文",
    "deduction": "扣分",
    "indicator_fact": "得分与事实不符",
    "rule_claim": "规则表述",
    "placeholder": "未完成",
    "not_checked": "未核对",
}


def render_text(report: CheckReport) -> str:
    """Summary line, then one block per finding: severity, kind, location, the text, expected vs found, reason."""
    s = report.stats
    lines = [
        f"审核：{report.source}",
        f"数字 {s.numbers} 个，已核实 {s.traced} 个（免检 {s.exempt} 个：年份、日期、序号、文号等）；"
        f"句子 {s.sentences}，表格 {s.tables}（单元格 {s.cells}）。",
        f"发现 {len(report.findings)} 处问题：错误 {s.errors}，提示 {s.warnings}。",
    ]
    for n, f in enumerate(report.findings, start=1):
        level = "错误" if f.severity == "error" else "提示"
        kinds = "、".join(KIND_LABELS.get(k, k) for k in (f.kinds or [f.kind]))
        lines += [
            "",
            f"{n}. [{level}·{kinds}] {f.location}",
            f"   原文：{f.text}",
        ]
        if f.expected or f.found:
            lines.append(f"   应为：{f.expected}　实为：{f.found}")
        lines.append(f"   说明：{f.message}")
    if not report.findings:
        lines.append("未发现问题。")
    return "\n".join(lines)

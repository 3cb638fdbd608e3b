"""项目录入 tab: create or import a case, edit it in forms and the indicator table, autosaved on every edit."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.case import Narrative, parse_case
from assistant.errors import AssistantError, InputError

from . import case_table, messages
from .case_store import CaseStore
from .services import Services
from .session import Session, autosave, open_case

KIND_LABELS = {"self_evaluation": "绩效自评表", "evaluation": "绩效评价报告"}
_KIND_BY_LABEL = {v: k for k, v in KIND_LABELS.items()}
NARRATIVE_FIELDS = [(name, field.description or name) for name, field in Narrative.model_fields.items()]
FINDING_COLUMNS = ["问题分类", "问题描述", "依据", "关联指标"]
_INDICATOR_REF = re.compile(r"指标“([^”]+)”")
_ORDINAL_REF = re.compile(r"第(\d+)个指标")
_KEY_NAME = re.compile(
    r"\([a-z_]+\)"
)  # the case-file key after a Chinese field name: useful in YAML, noise here
_EMPTY_GIVEN = re.compile(r"：[^：]*（填写的是：None）$")


def for_form(line: str) -> str:
    """A case-file validation message as the form shows it: field names only in Chinese, blanks called blank."""
    line = _KEY_NAME.sub("", line)
    line = _EMPTY_GIVEN.sub("：尚未填写", line)
    if line.strip() in ("指标：不能为空", "指标：缺少必填项"):
        return "绩效指标尚未填写：请在下方表格中逐行填写（每行一个末级指标）"
    return line


def blank_case(kind: str, name: str = "") -> dict[str, Any]:
    """A new case with the structure a clerk fills in (budget row for a self-evaluation form)."""
    case: dict[str, Any] = {"kind": kind, "project": {"name": name or "新建项目"}, "indicators": []}
    if kind == "self_evaluation":
        case["budget"] = {"initial": None, "annual": None, "executed": None, "weight": 10}
    return case


def case_problems(case: dict[str, Any], rows: list[list[Any]] | None = None) -> list[str]:
    """Every validation message for the case (model and scorer), pointed at its table row where possible."""
    rows = rows if rows is not None else case_table.case_to_rows(case)
    numbers = case_table.row_numbers_by_path(rows)
    ordinal_rows = [i for i, r in enumerate(rows, start=1) if not case_table._is_blank(r)]
    try:
        parsed = parse_case(case)
        from assistant.scoring import score_case

        score_case(parsed)
        return []
    except AssistantError as exc:
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    if len(lines) > 1 and lines[0].endswith("："):
        lines = lines[1:]
    out = []
    for line in lines:
        line = for_form(line.lstrip("- ").strip())
        m = _INDICATOR_REF.search(line)
        if m and m.group(1) in numbers:
            line = f"第{numbers[m.group(1)]}行：{line}"
        else:
            m2 = _ORDINAL_REF.search(line)
            if m2 and int(m2.group(1)) <= len(ordinal_rows):
                line = f"第{ordinal_rows[int(m2.group(1)) - 1]}行：{line}"
        out.append(line)
    return out


def format_problems(problems: list[str]) -> str:
    """The panel next to the table (HTML): green when valid, else one red line per problem."""
    if not problems:
        return '<div style="color:#067647;font-weight:600">✔ 校验通过，已自动保存。</div>'
    # Gradio's prose styles colour <b> and <li> themselves, so each element carries the colour.
    items = "".join(f'<li style="color:#b42318">{html.escape(p)}</li>' for p in problems)
    return (
        f'<div style="color:#b42318"><b style="color:#b42318">有 {len(problems)} 处需要修改</b>'
        f'<span style="color:#475467">（已保存，改好后自动重新校验）</span>'
        f'<ul style="margin:.3em 0 0 1.1em;padding:0">{items}</ul></div>'
    )


def _number_or_none(value: Any) -> Any:
    if value is None or value == "":
        return None
    return value


def findings_to_rows(case: dict[str, Any]) -> list[list[str]]:
    return [
        [f.get("category", ""), f.get("text", ""), f.get("evidence", ""), "/".join(f.get("indicator") or [])]
        for f in case.get("findings") or []
    ]


def rows_to_findings(rows: list[list[Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    findings, problems = [], []
    for i, row in enumerate(rows or [], start=1):
        cells = [case_table._text(c) for c in (list(row) + [""] * 4)[:4]]
        if not any(cells):
            continue
        category, text, evidence, indicator = cells
        if category not in ("决策", "过程", "产出", "效益"):
            problems.append(
                f"问题清单第{i}行：“问题分类”须为 决策、过程、产出、效益 之一（填写的是：{category or '空'}）"
            )
            continue
        if not text:
            problems.append(f"问题清单第{i}行：缺少“问题描述”")
            continue
        f: dict[str, Any] = {"category": category, "text": text}
        if evidence:
            f["evidence"] = evidence
        if indicator:
            f["indicator"] = [p for p in indicator.split("/") if p]
        findings.append(f)
    return findings, problems


def collect_case(
    previous: dict[str, Any] | None,
    kind_label: str,
    project: dict[str, Any],
    budget: dict[str, Any],
    rows: list[list[Any]],
    narrative: dict[str, str],
    finding_rows: list[list[Any]],
) -> tuple[dict[str, Any], list[str]]:
    """The form's fields → case-file data, plus the messages of rows that could not be read."""
    previous = previous or {}
    kind = _KIND_BY_LABEL.get(kind_label, previous.get("kind", "self_evaluation"))
    case: dict[str, Any] = {k: v for k, v in previous.items() if k in ("reported_total", "reported_grade")}
    case["kind"] = kind
    case["project"] = {k: v for k, v in project.items() if v not in (None, "")}
    if kind == "self_evaluation" or any(_number_or_none(v) is not None for v in budget.values()):
        kept = (previous.get("budget") or {}).get("years")
        case["budget"] = {k: _number_or_none(v) for k, v in budget.items()}
        if kept:
            case["budget"]["years"] = kept
    indicators, problems = case_table.rows_to_indicators(rows, kind, previous.get("indicators"))
    case["indicators"] = indicators
    case["narrative"] = {k: v for k, v in narrative.items() if v}
    findings, finding_problems = rows_to_findings(finding_rows)
    case["findings"] = findings
    return case, problems + finding_problems


def _year(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def form_values(case: dict[str, Any] | None) -> list[Any]:
    """Case → the values of every form component, in :data:`FORM_ORDER`."""
    case = case or blank_case("self_evaluation")
    p = case.get("project") or {}
    b = case.get("budget") or {}
    n = case.get("narrative") or {}
    values: list[Any] = [
        KIND_LABELS.get(case.get("kind", ""), "绩效自评表"),
        p.get("name", ""),
        p.get("department", ""),
        p.get("implementer", ""),
        p.get("year"),
        p.get("evaluator", ""),
        _float(b.get("initial")),
        _float(b.get("annual")),
        _float(b.get("executed")),
        _float(b.get("weight")),
        case_table.case_to_rows(case) or [[""] * len(case_table.COLUMNS)],
        findings_to_rows(case) or [[""] * len(FINDING_COLUMNS)],
    ]
    values += [n.get(name, "") for name, _ in NARRATIVE_FIELDS]
    return values


def _float(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return float(value)


def edit_case(session: Session, store: CaseStore, *values: Any) -> tuple[Session, str]:
    """Autosave callback for any edit: rebuild the case from the form, validate, save, report problems."""
    kind_label, name, dept, impl, year, evaluator, b_init, b_annual, b_exec, b_weight, rows, frows, *narr = (
        values
    )
    rows = _rows(rows)
    frows = _rows(frows)
    project = {
        "name": name,
        "department": dept,
        "implementer": impl,
        "year": _year(year),
        "evaluator": evaluator,
    }
    budget = {"initial": b_init, "annual": b_annual, "executed": b_exec, "weight": b_weight}
    narrative = dict(zip([n for n, _ in NARRATIVE_FIELDS], narr, strict=True))
    case, row_problems = collect_case(session.case, kind_label, project, budget, rows, narrative, frows)
    problems = row_problems or case_problems(case, rows)
    if session.current is None:
        session = open_case(case, name, store, problems)
    else:
        session = autosave(session, store, case=case, name=name or "未命名项目", problems=problems)
    return session, format_problems(problems)


def _rows(table: Any) -> list[list[Any]]:
    """Dataframe value (pandas or list) → list of rows."""
    if table is None:
        return []
    if hasattr(table, "values") and hasattr(table, "columns"):
        return table.astype(object).where(table.notna(), "").values.tolist()
    if isinstance(table, dict) and "data" in table:
        return list(table["data"])
    return [list(r) for r in table]


def import_case_file(path: str | None, session: Session, store: CaseStore) -> Session:
    """Read a YAML/JSON/Excel case file into a new saved case (problems are kept, not refused)."""
    if not path:
        raise InputError("请先选择一个案例文件（.yaml / .json / .xlsx）")
    from assistant.case_io import read_case_data

    data = read_case_data(Path(path))
    name = ((data.get("project") or {}).get("name")) or Path(path).stem
    return open_case(data, name, store, case_problems(data))


def saved_choices(store: CaseStore) -> list[tuple[str, str]]:
    out = []
    for s in store.list():
        flags = ("，有草稿" if s.has_draft else "") + (f"，{s.problems}处待改" if s.problems else "")
        out.append((f"{s.name}（{s.updated_at:%m-%d %H:%M}{flags}）", s.id))
    return out


def build(services: Services, session: gr.State) -> None:
    store = services.store
    gr.Markdown("新建或导入一个项目，逐项填写。每次修改都会自动保存；右侧会列出需要修改的地方。")
    with gr.Row():
        with gr.Column(scale=3):
            saved = gr.Dropdown(label="已保存的项目", choices=saved_choices(store), elem_id="case-saved")
        with gr.Column(scale=1, min_width=120):
            open_btn = gr.Button("打开", elem_id="case-open")
            refresh_btn = gr.Button("刷新列表", size="sm")
        with gr.Column(scale=2):
            new_kind = gr.Radio(list(KIND_LABELS.values()), value="绩效自评表", label="新建类型")
            new_btn = gr.Button("新建项目", variant="primary", elem_id="case-new")
        with gr.Column(scale=3):
            upload = gr.File(
                label="导入案例文件（YAML / JSON / Excel 自评表）",
                file_types=[".yaml", ".yml", ".json", ".xlsx"],
                elem_id="case-upload",
                height=140,
            )
    status = gr.Markdown(elem_id="case-status")
    with gr.Row():
        kind = gr.Radio(list(KIND_LABELS.values()), label="类型", value="绩效自评表")
        name = gr.Textbox(label="项目名称", scale=3)
        year = gr.Number(label="年度", value=None, precision=0, minimum=2000, maximum=2100)
    with gr.Row():
        dept = gr.Textbox(label="主管部门")
        impl = gr.Textbox(label="实施单位")
        evaluator = gr.Textbox(label="评价机构")
    gr.Markdown("**项目预算执行情况**（单位：万元）")
    with gr.Row():
        b_init = gr.Number(label="年初预算数", value=None)
        b_annual = gr.Number(label="全年预算数", value=None)
        b_exec = gr.Number(label="全年执行数", value=None)
        b_weight = gr.Number(label="预算执行分值（自评表默认10）", value=None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=4):
            table = gr.Dataframe(
                headers=case_table.COLUMNS,
                datatype="str",
                interactive=True,
                wrap=True,
                label="绩效指标（每行一个末级指标；可在表格中增删行）",
                elem_id="case-table",
                row_count=1,
                column_widths=[
                    "7%",
                    "8%",
                    "11%",
                    "5%",
                    "5%",
                    "7%",
                    "7%",
                    "8%",
                    "11%",
                    "5%",
                    "8%",
                    "5%",
                    "9%",
                    "4%",
                ],
                max_height=600,
                show_row_numbers=True,
            )
            with gr.Row():
                add_row = gr.Button("添加一行", size="sm", scale=0, min_width=110)
                del_no = gr.Textbox(
                    show_label=False, placeholder="要删除的行号", scale=0, min_width=140, container=False
                )
                del_row = gr.Button("删除该行", size="sm", variant="stop", scale=0, min_width=110)
        with gr.Column(scale=1, min_width=260):
            problems = gr.HTML("尚未打开项目。", elem_id="case-problems")
            gr.Markdown(
                "**填写说明**\n- 评分规则留空时按年度指标值自动判断（≥ 越高越好，≤ 越低越好，文字为定性）。\n"
                "- 扣分明细写法：`扣0.5分 问题描述【依据：来源】`，多项用分号隔开。\n"
                "- 人工得分须同时填写评分理由。"
            )
    with gr.Accordion("问题清单（与扣分无关的其他问题）", open=False):
        findings = gr.Dataframe(
            headers=FINDING_COLUMNS,
            datatype="str",
            interactive=True,
            wrap=True,
            row_count=1,
            label="问题清单",
        )
    with gr.Accordion("叙述信息（起草报告时使用，可留空）", open=False):
        narrative_boxes = [gr.Textbox(label=label, lines=2) for _, label in NARRATIVE_FIELDS]

    form = [kind, name, dept, impl, year, evaluator, b_init, b_annual, b_exec, b_weight, table, findings]
    form += narrative_boxes

    def _edit(sess, *vals):
        return edit_case(sess, store, *vals)

    for comp in form:
        comp.input(
            _edit, [session, *form], [session, problems], trigger_mode="always_last", show_progress="hidden"
        )

    def _loaded(sess: Session, message: str):
        values = form_values(sess.case)
        return [
            sess,
            message,
            format_problems(sess.current.problems if sess.current else []),
            *values,
            gr.update(choices=saved_choices(store), value=sess.current.id if sess.current else None),
        ]

    load_outputs = [session, status, problems, *form, saved]

    def _new(kind_label):
        sess = open_case(blank_case(_KIND_BY_LABEL[kind_label]), "新建项目", store, [])
        sess = autosave(sess, store, problems=case_problems(sess.case))
        return _loaded(sess, "已新建项目，请填写。")

    def _open(case_id, sess):
        if not case_id:
            raise messages.error("请先在“已保存的项目”中选择一个项目。")
        try:
            sess = Session(current=store.load(case_id))
        except AssistantError as exc:
            raise messages.error(str(exc)) from None
        return _loaded(sess, f"已打开：{sess.current.name}")

    def _import(path, sess):
        # The upload box is emptied after each attempt so the next file can be dropped straight in.
        if not path:
            return [gr.skip()] * (len(load_outputs) + 1)
        try:
            sess = import_case_file(path, sess, store)
        except AssistantError as exc:
            failed = f"❌ 未能导入 {Path(path).name}：{messages.readable(str(exc))}"
            return [gr.skip(), failed, *[gr.skip()] * (len(load_outputs) - 2), None]
        return [*_loaded(sess, f"已导入：{Path(path).name}（已另存为新项目“{sess.current.name}”）"), None]

    def _add_row(tbl):
        rows = _rows(tbl)
        rows.append([""] * len(case_table.COLUMNS))
        return rows

    def _del_row(tbl, n, sess, *vals):
        rows = _rows(tbl)
        n = str(n or "").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if not n.isdigit() or not 1 <= int(n) <= len(rows):
            raise messages.error(f"请输入 1 到 {len(rows)} 之间的行号。")
        del rows[int(n) - 1]
        rows = rows or [[""] * len(case_table.COLUMNS)]
        vals = list(vals)
        vals[form.index(table)] = rows
        sess, msg = edit_case(sess, store, *vals)
        return rows, sess, msg

    new_btn.click(_new, [new_kind], load_outputs)
    open_btn.click(_open, [saved, session], load_outputs)
    upload.upload(_import, [upload, session], [*load_outputs, upload])
    refresh_btn.click(lambda: gr.update(choices=saved_choices(store)), None, saved)
    add_row.click(_add_row, [table], [table])
    del_row.click(_del_row, [table, del_no, session, *form], [table, session, problems])

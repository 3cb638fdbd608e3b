"""The case workspace (项目工作区): everything done to one project — parse, score, draft, check, save —
in one service used by the workbench and the command line, so screens only wire components to it.

Problems come back as :class:`~assistant.errors.Problem` objects (field, message, group) rather than
strings to re-read; saving goes through :class:`~assistant.db.Store` with its revision check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from assistant.case import Case, format_validation_error, parse_case
from assistant.case_io import READ_SUFFIXES
from assistant.checking.models import CheckReport, Finding
from assistant.errors import AssistantError, InputError, Problem
from assistant.report import Report

if TYPE_CHECKING:  # the review worker imports this module and needs no database
    from assistant.db import ProjectRecord, Store, UserInfo

IMPORT_SUFFIXES = READ_SUFFIXES
"""File types a project is imported from: our case files and received forms (Word, PDF, Excel, web text)."""
KIND_NAMES = {"self_evaluation": "绩效自评表", "evaluation": "绩效评价报告"}
DRAFT_NAMES = {"report": "绩效评价报告", "self_evaluation": "绩效自评表"}
GROUPS = {
    "kind": "项目信息",
    "project": "项目信息",
    "budget": "预算执行",
    "indicators": "绩效指标",
    "findings": "问题清单",
    "narrative": "叙述信息",
    "reported_total": "项目信息",
    "reported_grade": "项目信息",
}
_INDICATOR = re.compile(r"指标“([^”]+)”")
_NTH_INDICATOR = re.compile(r"第(\d+)个指标")
# Scorer messages name the value they could not use; the field it came from, for marking the cell.
_FIELD_WORDS = [
    ("实际完成", "actual"),
    ("年度指标值", "target"),
    ("目标", "target"),
    ("人工评分", "score"),
    ("评分理由", "reason"),
    ("reason", "reason"),
    ("扣分", "deductions"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("tiers", "tiers"),
    ("responses", "responses"),
    ("criteria", "criteria"),
]
HAND_NOTE = "该数字是在“起草”页手工输入的，未与评分结果关联。"


def form_label(data: dict[str, Any], number: int) -> str:
    """How one form of a received document is named when choosing it: number, project, indicators."""
    origin = data.get("origin") or {}
    project = str(_project(data).get("name") or origin.get("title") or "（未写项目名称）")
    count = len(data.get("indicators") or [])
    return f"第{origin.get('form_index') or number}张：{project}（{count} 个指标）"


def _project(data: dict[str, Any]) -> dict[str, Any]:
    """The project block of case data as entered, or {} when it is missing or not a mapping."""
    project = data.get("project")
    return project if isinstance(project, dict) else {}


def blank_case(kind: str, name: str = "") -> dict[str, Any]:
    """A new case with the structure a clerk fills in (budget row for a self-evaluation form)."""
    case: dict[str, Any] = {"kind": kind, "project": {"name": name or "新建项目"}, "indicators": []}
    if kind == "self_evaluation":
        case["budget"] = {"initial": None, "annual": None, "executed": None, "weight": 10}
    return case


def _indicator_index(case: dict[str, Any], message: str) -> int | None:
    indicators = case.get("indicators") or []
    m = _INDICATOR.search(message)
    if m:
        for i, ind in enumerate(indicators):
            if isinstance(ind, dict) and "/".join(str(p) for p in ind.get("path") or []) == m.group(1):
                return i
    m = _NTH_INDICATOR.search(message)
    if m and 1 <= int(m.group(1)) <= len(indicators):
        return int(m.group(1)) - 1
    return None


def _field_from_words(message: str) -> str:
    for word, key in _FIELD_WORDS:
        if word in message:
            return key
    return ""


def validate(case: Any) -> list[Problem]:
    """Every problem of a case as entered (model validation, then the scorer's), each with its location."""
    if not isinstance(case, dict):
        return [Problem(message="案例的内容须为映射（kind/project/budget/indicators…）", group="项目信息")]
    try:
        parsed = Case.model_validate(case)
    except ValidationError as exc:
        lines = str(format_validation_error(exc, case)).splitlines()[1:]
        out = []
        for err, line in zip(exc.errors(), lines, strict=False):
            loc = [str(x) for x in err["loc"]]
            out.append(
                Problem(message=line.lstrip("- ").strip(), field=".".join(loc), group=GROUPS.get(loc[0], ""))
            )
        return out
    from assistant.scoring import score_case

    try:
        score_case(parsed)
    except AssistantError as exc:
        return scorer_problems(case, str(exc))
    return []


def scorer_problems(case: dict[str, Any], message: str) -> list[Problem]:
    """The scorer's message (a head line and one '- ' line per problem) as located problems."""
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    if len(lines) > 1 and lines[0].endswith("："):
        lines = lines[1:]
    out = []
    for line in lines:
        line = line.lstrip("- ").strip()
        index = _indicator_index(case, line)
        if index is not None:
            key = _field_from_words(line.split("：", 1)[-1])
            field = f"indicators.{index}" + (f".{key}" if key else "")
            out.append(Problem(message=line, field=field, group="绩效指标"))
        elif "budget" in line or "预算" in line:
            out.append(Problem(message=line, field="budget", group="预算执行"))
        else:
            out.append(Problem(message=line, group="评分"))
    return out


def parse(case: dict[str, Any]) -> Case:
    """The validated case, or InputError carrying every problem."""
    problems = validate(case)
    if problems:
        raise InputError("\n".join(p.message for p in problems), problems)
    return parse_case(case)


def score(case: dict[str, Any]):
    """The deterministic score sheet of a case as entered (InputError with problems when it cannot be scored)."""
    from assistant.scoring import score_case

    return score_case(parse(case))


def part_of(section_id: str) -> str | None:
    """The drafting unit a section belongs to ('analysis.group.决策' → 'analysis'); None for a bare heading."""
    from assistant.drafting.offline import PART_DRAFTERS

    for part_id in PART_DRAFTERS:
        if section_id == part_id or section_id.startswith(part_id + "."):
            return part_id
    return None


def section_text(report: Report, section_id: str) -> str:
    from assistant.report import Section

    section: Section = report.section(section_id)
    return "\n\n".join(p.render(report.values) for p in section.paragraphs)


def part_text(report: Report, section_id: str) -> str:
    """The text of every section of the part holding `section_id` (what a redraft replaces)."""
    part = part_of(section_id) if report.kind == "report" else None
    shown = [s for s in report.sections if part is not None and part_of(s.id) == part] or [
        s for s in report.sections if s.id == section_id
    ]
    if report.kind == "self_evaluation" and report.form is not None:
        rows = [r for r in report.form.indicators if r.lost_points]
        return "\n\n".join(
            f"{r.level3.render(report.values)}：{r.deviation.render(report.values)}" for r in rows
        )
    return "\n\n".join(
        f"【{s.heading}】\n" + "\n\n".join(p.render(report.values) for p in s.paragraphs) for s in shown
    )


class ReviewOutcome(BaseModel):
    """A review: the checker's report with findings sorted (errors first) and the text that was checked."""

    report: CheckReport
    findings: list[Finding]
    text: str
    source: str = Field(description="What was checked, in words (当前草稿 / the file name)")
    places: list[tuple[int, int, int] | None] = Field(
        default_factory=list,
        description="Per finding (same order): (line of `text`, start, end) of the figure it blames, or None "
        "(then the page finds it by its quoted text)",
    )


def hand_typed(report: Report) -> list[tuple[str, str, str]]:
    """(section heading, paragraph text, number) for every number typed by hand into the draft."""
    from assistant.report import free_numbers

    out = []
    for s in report.sections:
        if s.source != "edited":
            continue
        for p in s.paragraphs:
            for n in free_numbers(p.template):
                out.append((s.heading, p.render(report.values), n.rstrip(",，.．")))
    return out


def mark_hand_edits(findings: list[Finding], typed: list[tuple[str, str, str]]) -> list[Finding]:
    """Say on each finding when its number was typed by hand; add a warning for hand-typed numbers no
    check flagged, so the review always shows them."""
    out = list(findings)
    for heading, text, number in typed:
        hit = False
        for i, f in enumerate(out):
            if f.found and number in f.found and f.text.strip() and f.text.strip() in text:
                if HAND_NOTE not in f.message:
                    out[i] = f.model_copy(update={"message": f"{f.message} {HAND_NOTE}"})
                hit = True
        if not hit:
            out.append(
                Finding(
                    kind="unsupported",
                    severity="warning",
                    location=f"{heading}（已手工修改）",
                    text=text,
                    found=number,
                    message=f"数字“{number}”：{HAND_NOTE}请核对来源。",
                )
            )
    return out


def _severity_order(finding: Finding) -> int:
    return 0 if finding.severity == "error" else 1


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, otherwise in the checker's order."""
    return sorted(findings, key=_severity_order)


class Workspace:
    """Parse, score, draft, check and save projects for one running workbench or CLI command.

    `retriever` and `llm` are called when needed (building either takes seconds) and may return None:
    drafting then works without precedents, and offline."""

    def __init__(
        self,
        store: Store,
        retriever: Callable[[], Any] | None = None,
        llm: Callable[[], Any] | None = None,
    ):
        self.store = store
        self._retriever = retriever or (lambda: None)
        self._llm = llm or (lambda: None)

    # ---------------------------------------------------------------- projects

    def new_project(self, user: UserInfo, kind: str, name: str = "") -> ProjectRecord:
        case = blank_case(kind, name)
        return self.store.create_project(user, case, case["project"]["name"], self.problem_dicts(case))

    def problem_dicts(self, case: dict[str, Any]) -> list[dict[str, Any]]:
        return [p.model_dump() for p in validate(case)]

    def save_case(
        self, user: UserInfo, record: ProjectRecord, case: dict[str, Any], problems: list[Problem]
    ) -> ProjectRecord:
        """Save an edit (ConflictError when the project changed since `record` was loaded)."""
        name = str(_project(case).get("name") or "")
        return self.store.save_case(
            user, record.id, record.revision, case, name, [p.model_dump() for p in problems]
        )

    def read_forms(self, path: Path) -> list[dict[str, Any]]:
        """Every case a file holds, as case-file data: one for a case file (YAML/JSON/our Excel layout, bad
        cells kept as typed for the editor), one per form of a received document (Word/PDF/Excel/web; a
        部门决算 appendix holds several). InputError naming the file when nothing can be read."""
        from assistant.case_io import case_to_data, is_received_form, load_cases, read_case_data

        path = Path(path)
        if path.is_file() and is_received_form(path):
            return [case_to_data(c) for c in load_cases(path)]
        return [read_case_data(path)]

    def import_file(
        self,
        user: UserInfo,
        path: Path,
        into: ProjectRecord | None = None,
        name: str = "",
        form: int | None = None,
    ) -> ProjectRecord:
        """A case file (or form number `form`, 1-based, of a received document) as a new project, or over
        `into` (its previous data kept as a version)."""
        forms = self.read_forms(path)
        if form is None and len(forms) > 1:
            listing = "；".join(form_label(d, n) for n, d in enumerate(forms, start=1))
            raise InputError(f"文件“{Path(path).name}”含 {len(forms)} 张自评表，请选择其中一张：{listing}")
        if form is not None and not 1 <= form <= len(forms):
            raise InputError(f"文件“{Path(path).name}”只有 {len(forms)} 张自评表，没有第 {form} 张。")
        return self.import_data(user, forms[(form or 1) - 1], Path(path).name, into=into, name=name)

    def import_data(
        self,
        user: UserInfo,
        data: dict[str, Any],
        file_name: str,
        into: ProjectRecord | None = None,
        name: str = "",
    ) -> ProjectRecord:
        """Case data read from `file_name` as a new project, or over `into` (its previous data kept)."""
        name = name or str(_project(data).get("name") or "") or Path(file_name).stem
        problems = self.problem_dicts(data)
        reason = f"导入 {file_name}"
        origin = data.get("origin") or {}
        if int(origin.get("form_count") or 1) > 1:
            reason += f" 第{origin.get('form_index')}张表"
        if into is None:
            return self.store.create_project(user, data, name, problems, reason=reason)
        return self.store.replace_case(user, into.id, into.revision, data, name, problems, reason=reason)

    def restore_case(self, user: UserInfo, record: ProjectRecord, version_id: int) -> ProjectRecord:
        info, data = self.store.case_version(user, record.id, version_id)
        return self.store.replace_case(
            user,
            record.id,
            record.revision,
            data,
            info.name or record.name,
            self.problem_dicts(data),
            reason=f"恢复到 {info.created_at:%m-%d %H:%M} 的版本",
        )

    # ---------------------------------------------------------------- drafts

    def model(self, observe: Callable[[Any], Any] | None = None) -> Any:
        """The configured model client (None offline), seen through `observe` when given (e.g. a view that
        reports this request's place in the model's queue)."""
        llm = self._llm()
        return observe(llm) if observe is not None and llm is not None else llm

    def draft(
        self,
        case: dict[str, Any],
        kind: str,
        on_token: Callable[[str], None] | None = None,
        observe: Callable[[Any], Any] | None = None,
    ) -> Report:
        """Draft the whole report or the self-evaluation form (every number from the scorer)."""
        from assistant.drafting import draft_report, draft_self_evaluation
        from assistant.scoring import score_case

        parsed = parse(case)
        sheet = score_case(parsed)
        llm = self.model(observe)
        if kind == "self_evaluation":
            return draft_self_evaluation(parsed, sheet, llm=llm, on_token=on_token)
        return draft_report(parsed, sheet, retriever=self._retriever(), llm=llm, on_token=on_token)

    def redraft(
        self,
        case: dict[str, Any],
        report: Report,
        section_id: str,
        instruction: str = "",
        on_token: Callable[[str], None] | None = None,
        observe: Callable[[Any], Any] | None = None,
    ) -> Report:
        """A new version of the part holding `section_id`, following the instruction (not saved)."""
        from assistant.drafting import redraft_section
        from assistant.scoring import score_case

        part = part_of(section_id) if report.kind == "report" else section_id
        if part is None:
            raise InputError("这是一个大标题，请选择它下面的具体章节再重写。")
        parsed = parse(case)
        return redraft_section(
            report,
            part,
            instruction or "",
            parsed,
            score_case(parsed),
            retriever=self._retriever(),
            llm=self.model(observe),
            on_token=on_token,
        )

    def relink(self, case: dict[str, Any], report: Report) -> tuple[Report, list[str]]:
        """The draft's numbers recomputed from the case (keys no longer produced keep their old value)."""
        from assistant.drafting import context_for
        from assistant.scoring import score_case

        parsed = parse(case)
        fresh = context_for(parsed, score_case(parsed)).values
        values = {**report.values, **{k: v for k, v in fresh.items() if k in report.values}}
        changed = sorted(k for k in report.values if values[k] != report.values[k])
        return report.model_copy(update={"values": values}), changed

    def save_draft(
        self,
        user: UserInfo,
        record: ProjectRecord,
        report: Report,
        reason: str,
        edited_sections: list[str] | None = None,
    ) -> ProjectRecord:
        return self.store.save_draft(
            user,
            record.id,
            record.revision,
            report.model_dump(mode="json"),
            report.kind,
            record.edited_sections if edited_sections is None else edited_sections,
            reason,
        )

    def restore_draft(self, user: UserInfo, record: ProjectRecord, version_id: int) -> ProjectRecord:
        info, report, edited = self.store.draft_version(user, record.id, version_id)
        return self.store.save_draft(
            user,
            record.id,
            record.revision,
            report,
            info.name,
            edited,
            f"恢复到 {info.created_at:%m-%d %H:%M} 的草稿",
        )

    def section_history(
        self, user: UserInfo, record: ProjectRecord, section_id: str
    ) -> list[tuple[str, str]]:
        """(when and why, text) of each different text the section had, newest first."""
        out: list[tuple[str, str]] = []
        last = None
        for info, data in self.store.draft_reports(user, record.id):
            try:
                report = Report.model_validate(data)
                text = section_text(report, section_id)
            except (ValidationError, KeyError, AssistantError):
                continue
            if text != last:
                who = f"，{info.created_by}" if info.created_by else ""
                out.append((f"{info.created_at:%m-%d %H:%M} {info.reason}{who}", text))
                last = text
        return out[::-1]

    # ---------------------------------------------------------------- review

    def check_draft(self, case: dict[str, Any], report: Report) -> ReviewOutcome:
        return review_draft(case, report.model_dump(mode="json"))

    def check_file(self, path: Path, case: dict[str, Any] | None = None) -> ReviewOutcome:
        return review_file(Path(path), case)


FRONT = "（文首）"
"""The checker's place for text before any heading."""


def draft_location(location: str, contents: set[str]) -> str:
    """A finding's place in a draft as the 起草 tab shows it: its headings, and the cell for a table cell.

    The checker reads the draft's Markdown, where the 目录 lines (`contents`) look like chapter headings: the
    last one would head every path ('七、其他需要说明的问题 > 四、绩效评价指标分析 > …'); and its paragraph count
    ('第72段') counts Markdown blocks no page shows — both are left out."""
    where, sep, rest = location.partition(" · ")
    parts = where.split(" > ")
    if len(parts) > 1 and parts[0] in contents:
        parts = parts[1:]
    where = " > ".join(parts)
    if re.fullmatch(r"第\d+段", rest):
        return where
    return where + sep + rest


def review_draft(case: dict[str, Any], report_data: dict[str, Any]) -> ReviewOutcome:
    """Check a draft against its case; hand-typed numbers are always shown. Plain data in and out, so it
    can run in a worker process."""
    from assistant.checking import check_document
    from assistant.export import to_markdown
    from assistant.scoring import score_case

    report = Report.model_validate(report_data)
    text = to_markdown(report)
    parsed = parse(case)
    result = check_document(text, case=parsed, sheet=score_case(parsed))
    contents = {p.render(report.values) for s in report.sections if s.id == "toc" for p in s.paragraphs}
    headings = {s.id: s.heading for s in report.sections}
    placed = []
    for f in result.findings:
        location = draft_location(f.location, contents)
        if location.startswith(FRONT) and (section := section_of(report, f.text)):
            location = (
                headings[section] + location[len(FRONT) :]
            )  # e.g. 封面, which the checker took for a title
        placed.append(f.model_copy(update={"location": location}))
    findings = sorted_findings(mark_hand_edits(placed, hand_typed(report)))
    return ReviewOutcome(report=result, findings=findings, text=text, source="当前草稿")


REVIEW_SUFFIXES = (".docx", ".pdf", ".xlsx", ".html", ".htm", ".md", ".txt")
"""Files the 审核 tab takes: what ``pe-assistant check`` reads (drafts, reports and received forms)."""


def review_file(path: Path, case: dict[str, Any] | None = None) -> ReviewOutcome:
    """Check an uploaded report or received form (Word, PDF, Excel, web page, Markdown, text).

    Without a case it is judged as ``pe-assistant check`` judges it: every self-evaluation form the form
    reader finds is scored and its reported figures compared with the scorer's; the rest goes through the
    checker's checks. With the open project's case, the file's figures are compared with that case."""
    from assistant.checking.upload import review_upload

    path = Path(path)
    upload = review_upload(path, case=parse(case) if case is not None else None)
    placed = list(
        zip(upload.report.findings, upload.places or [None] * len(upload.report.findings), strict=True)
    )
    placed.sort(key=lambda fp: _severity_order(fp[0]))  # as sorted_findings orders them
    return ReviewOutcome(
        report=upload.report,
        findings=[f for f, _ in placed],
        places=[p for _, p in placed],
        text=upload.text,
        source=path.name,
    )


def section_of(report: Report, text: str) -> str | None:
    """The id of the section whose prose holds `text` (a finding's sentence), or None."""
    needle = text.strip()
    if not needle:
        return None
    for s in report.sections:
        body = "\n".join(p.render(report.values) for p in s.paragraphs)
        if needle in body or (len(needle) > 12 and needle[:12] in body):
            return s.id
    return None

"""Year, unit and document type of a document, from its title and opening lines."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from assistant.models import DocType

from .document import SourceLine
from .text import compact

_YEAR_OF = re.compile(r"((?:19|20)\d{2})\s*年度")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_UNIT_LABEL = re.compile(
    r"^(主管部门|项目单位|预算单位|单位名称|部门名称)\s*[：:\t ]\s*\t*\s*([^\t：:]{2,40}?)\s*(?:\t|$)"
)
_UNIT_LABELS = ("主管部门", "项目单位", "预算单位", "部门名称", "单位名称")
_ORG = re.compile(
    r"([\u4e00-\u9fa5]{2,20}?(?:管理局|局|委员会|委|厅|办公室|中心|政府|院|所|公司))(?:[（(]以下简称|部门决算|$)"
)
_POLICY_NUMBER = re.compile(r"^[\u4e00-\u9fa5]{1,10}〔(19|20)\d{2}〕\d{1,4}号$")
_POLICY_TITLE = re.compile(r"(办法|通知|意见|规定|细则|规程|制度|决定|指南|方案|标准)(（[^）]*）)?$")
_REPORT_TITLE = re.compile(r"(评价报告|自评报告|评价总览表|绩效报告)")
_DATE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?")
_CITED = re.compile(r"《[^》]*》|〔[^〕]*〕")
OPENING_LINES = 40
"""How far into a document to look for its unit, year and type."""
FREQUENCY_LINES = 100_000
"""How far to count year mentions when no line says "…年度" (in practice: the whole document)."""


def detect_year(title: str, lines: Sequence[SourceLine]) -> int | None:
    """'2023年度' in the title, else in the opening lines, else the first year mentioned there."""
    for pattern in (_YEAR_OF, _YEAR):
        found = pattern.search(compact(title))
        if found:
            return int(found.group(1))
    for line in lines[:10]:
        # A policy's own document number, 财预〔2020〕10号, on a line of its own.
        if _POLICY_NUMBER.match(compact(line.text)):
            return int(re.search(r"〔(\d{4})〕", line.text).group(1))
    opening = _CITED.sub("", _DATE.sub("", "\n".join(line.text for line in lines[:OPENING_LINES])))
    found = _YEAR_OF.search(opening)
    if found:
        return int(found.group(1))
    # No "…年度": the year mentioned most often, not counting dates and the titles of cited documents
    # (《关于做好2019年度…的通知》); on a tie the later year (a multi-year evaluation is dated by its end);
    # with no year mentioned twice, the year of the report's date.
    body = _CITED.sub("", "\n".join(line.text for line in lines[:FREQUENCY_LINES]))
    counts = Counter(int(year) for year in _YEAR.findall(_DATE.sub("", body)))
    dated = _DATE.search("\n".join(line.text for line in lines[:OPENING_LINES]))
    top = max(counts.values(), default=0)
    if top >= 2 or (counts and not dated):
        return max(year for year, count in counts.items() if count == top)
    return int(dated.group(0)[:4]) if dated else None


def detect_unit(title: str, lines: Sequence[SourceLine], doc_type: DocType) -> str | None:
    """The department: a 主管部门/项目单位 field, else an organisation named in the title or opening lines."""
    opening = lines[:OPENING_LINES]
    labelled = _labelled_units(opening)
    for label in _UNIT_LABELS:
        if label in labelled:
            return labelled[label]
    if doc_type == "final_accounts":
        found = _ORG.search(re.sub(r"^\d{4}年度?", "", compact(title)))
        if found:
            return found.group(1)
    for line in opening[:10]:
        if line.table_row:
            continue
        found = _ORG.match(compact(line.text))
        if found:
            return found.group(1)
    # A report may name its unit only at the end (项目单位：… under the signature).
    labelled = _labelled_units(lines)
    return next((labelled[label] for label in _UNIT_LABELS if label in labelled), None)


def _labelled_units(lines: Sequence[SourceLine]) -> dict[str, str]:
    labelled: dict[str, str] = {}
    for line in lines:
        found = _UNIT_LABEL.match(line.text)
        if found:
            labelled.setdefault(found.group(1), compact(found.group(2)))
    return labelled


def detect_doc_type(title: str, lines: Sequence[SourceLine], hint: str) -> DocType:
    """self_evaluation / final_accounts / report / policy / other."""
    if hint in ("self_evaluation", "report"):
        return hint  # type: ignore[return-value]
    title = compact(title)
    if "部门决算" in title:
        return "final_accounts"
    if "绩效自评表" in title:
        return "self_evaluation"
    if _REPORT_TITLE.search(title):
        return "report"
    opening = lines[:10]
    if _POLICY_TITLE.search(title) or any(_POLICY_NUMBER.match(compact(line.text)) for line in opening):
        return "policy"
    body = "\n".join(line.text for line in lines[:200])
    if body.count("绩效评价") + body.count("绩效目标") >= 3:
        return "report"
    return "other"

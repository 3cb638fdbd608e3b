"""Reading one form's rows into case data: header fields, budget block, goals, indicators, totals.

One method per block of the form; each records the figures it reads with their cell locations and
what it could not read (Chinese, naming the table, row and column), so a partial form is scored as far as
it goes and says what is missing.
"""

from __future__ import annotations

from decimal import Decimal

from assistant.case import path_key

from . import headers as h
from .document import SourceCell
from .layout import (
    _CONCLUSION_LINE,
    _UNIT_LINE,
    _YEAR,
    FormData,
    Line,
    best_budget_shift,
    best_indicator_shift,
    budget_columns,
    first_text,
    goal_columns,
    header_text,
    indicator_columns,
    is_plain_number,
    locate,
    merge_header_rows,
    number,
    row_points,
    sub_header_columns,
    value_right_of,
    where,
)

BUDGET_TEXT_FIELDS = {"initial": "年初预算数", "annual": "全年预算数", "executed": "全年执行数"}


class FormBuilder:
    """Walks a form's lines once, switching between blocks as their header rows appear."""

    def __init__(self, lines: list[Line], preamble: list[Line]) -> None:
        self.lines = lines
        self.preamble = preamble
        self.data = FormData()
        self.mode = ""
        self.budget_cols: dict[str, int] = {}
        self.budget_header: list[SourceCell] = []
        self.budget_labels: dict[str, str] = {}
        self.ind_cols: dict[str, int] = {}
        self.ind_labels: dict[str, str] = {}
        self.ind_width = 0
        self.sub_header_allowed = False
        self.previous_cells: list[SourceCell] = []
        self.budget_shift_checked = False
        self.goal_cols: tuple[int, int] | None = None
        self.carried: list[str] = []
        self.block: dict[str, object] | None = None
        self.groups_stated: set[str] = set()
        self.seen_total = False

    # ---- driver -------------------------------------------------------------------------------------

    def build(self) -> FormData:
        self._title()
        previous_table = None
        for line in self.lines:
            if line.paragraph is not None:
                self._paragraph(line)
                continue
            if line.table is not previous_table:
                self._new_table(line)
                previous_table = line.table
                self.previous_cells = []
            self._row(line)
            if any(c.text for c in line.cells or []):
                self.previous_cells = line.cells or []
        self._close_block()
        whole = self.data.project.pop("whole_name", None)
        if whole and not self.data.project.get("name"):
            self.data.project["name"] = whole
        if not self.data.indicators and not self.data.empty_rows:
            self.data.unread.append(
                "未找到绩效指标表（表头须含“一级指标/二级指标/三级指标”及分值、得分等列）"
            )
        elif not self.seen_total:
            self.data.unread.append("未找到总分（合计）行：表格可能不完整")
        return self.data

    def _new_table(self, line: Line) -> None:
        """A table starting while the indicator table is open: the same table continued on the next page
        (no header row, or the header repeated), or something else that closes it.

        A continuation may be a column narrower or wider than the first piece (a leading label column
        left out, an empty last field dropped by a converter): its columns are the header's, shifted to
        where its rows hold a name and a numeric 分值.
        """
        if self.mode != "indicators" or line.table is None:
            return
        rows = [r for r in line.table.rows if any(c.text for c in r)]
        if rows and indicator_columns(rows[0]) is not None:
            return  # the header repeated: it sets the columns itself
        shift = best_indicator_shift(rows, self.ind_cols)
        if shift is None:
            self.mode = ""
            return
        self.ind_cols = {concept: index + shift for concept, index in self.ind_cols.items()}
        self.ind_width = len(line.cells or [])

    def _row(self, line: Line) -> None:
        cells = line.cells or []
        if not any(c.text for c in cells) or self.mode == "after_total":
            return
        columns = indicator_columns(cells, self.previous_cells)
        if columns is not None:
            if self.seen_total and self.data.indicators:
                # the form ended at its 总分 row: a later indicator table (an evaluation report's scoring
                # table that follows the form in a 决算 document) is not part of it
                self.mode = "after_total"
                return
            self._indicator_header(line, merge_header_rows(self.previous_cells, cells, columns))
            return
        if self.mode == "indicators" and self.sub_header_allowed:
            self.sub_header_allowed = False
            sub = sub_header_columns(cells)
            if sub:
                self._sub_header(cells, sub)
                return
        columns = budget_columns(cells, self.previous_cells)
        if columns is not None:
            self._budget_header(line, columns)
            return
        goals = goal_columns(cells)
        if goals is not None:
            self.goal_cols, self.mode = goals, "goals"
            return
        if self.mode == "budget" and self._budget_row(line):
            return
        head = first_text(cells)
        label = head[1].text if head else ""
        if head and h.is_label(label, h.TOTAL_LABELS):
            self._total(line, head[0])
            return
        if head and h.is_label(label, h.GRADE_LABELS):
            self._grade(line, head[0])
            return
        if head and h.is_label(label, h.CONCLUSION_LABELS):
            self._conclusion_cell(line, head[0])
            return
        if self._project_fields(line):
            return
        if self.mode == "goals":
            self._goals(line)
            return
        if self.mode == "budget":
            self.mode = ""
        if self.mode == "indicators":
            self._indicator_row(line)

    # ---- header fields, title, paragraphs -----------------------------------------------------------

    def _title(self) -> None:
        texts = [line.text for line in self.preamble]
        for text in reversed(texts):
            if "表" in text and len(text) <= 80:
                self.data.title = text
                break
        for text in reversed(texts):
            m = _YEAR.search(text)
            if m:
                self.data.project["year"] = int(m.group(1))
                break
        for text in texts:
            m = _UNIT_LINE.search(text)
            if m:
                self.data.project.setdefault("implementer", m.group(1))

    def _paragraph(self, line: Line) -> None:
        assert line.paragraph is not None
        text = line.paragraph.text
        norm = h.normalise(text)
        if norm.startswith("项目名称:") and "name" not in self.data.project:
            self.data.project["name"] = text.split("：", 1)[-1].split(":", 1)[-1].strip()
        m = _CONCLUSION_LINE.match(text.strip())
        if m and not self.data.narrative.get("conclusion"):
            self.data.narrative["conclusion"] = m.group(2).strip()
            loc = locate(line, None, m.group(1), m.group(1))
            for figure in ("conclusion", "conclusion.total", "conclusion.grade"):
                self.data.cells[figure] = loc
        m = _UNIT_LINE.search(text)
        if m:
            self.data.project.setdefault("implementer", m.group(1))

    def _project_fields(self, line: Line) -> bool:
        cells = line.cells or []
        found = False
        for i, cell in enumerate(cells):
            if cell.covered or not cell.text:
                continue
            key = h.PROJECT_LABELS.get(h.bare(cell.text)) or h.PROJECT_LABELS.get(h.normalise(cell.text))
            if key is None:
                continue
            found = True
            value, _ = value_right_of(cells, i, h.PROJECT_LABELS)
            if value and not self.data.project.get(key):
                self.data.project[key] = value
        return found

    def _goals(self, line: Line) -> None:
        cells = line.cells or []
        assert self.goal_cols is not None
        expected, achieved = self.goal_cols
        for index, key in ((expected, "overall_goal"), (achieved, "goal_achieved")):
            if index < len(cells) and cells[index].text and not self.data.narrative.get(key):
                self.data.narrative[key] = cells[index].text
        self.mode = ""

    def _conclusion_cell(self, line: Line, index: int) -> None:
        cells = line.cells or []
        label = h.bare(cells[index].text)
        text, cell = value_right_of(cells, index, frozenset())
        if text and not self.data.narrative.get("conclusion"):
            self.data.narrative["conclusion"] = text
            loc = locate(line, cell, label, label)
            for figure in ("conclusion", "conclusion.total", "conclusion.grade"):
                self.data.cells[figure] = loc

    # ---- budget block -------------------------------------------------------------------------------

    def _budget_header(self, line: Line, columns: dict[str, int]) -> None:
        self._close_block()
        cells = line.cells or []
        self.mode, self.budget_cols, self.budget_header = "budget", columns, cells
        self.budget_labels = {concept: cells[index].text for concept, index in columns.items()}
        self.budget_shift_checked = False
        if self.data.budget is None:
            self.data.budget = {"sources": []}
        points = None
        for cell in cells:
            if h.budget_concept(cell.text) is None or h.bare(cell.text) not in h.BUDGET_EXACT:
                points = points or h.stated_points(cell.text)
        score_col = columns.get("score")
        if score_col is not None:
            points = h.stated_points(cells[score_col].text) or points
        if points is not None:
            self.data.budget["weight"] = points
            self.data.budget_weight_found = True
            label = next((c.text for c in cells if h.stated_points(c.text) == points), "")
            self.data.stated_weights.append({"label": label, "points": points, "scope": "budget"})

    def _budget_name(self, cells: list[SourceCell]) -> tuple[str, SourceCell | None]:
        first_value = min(self.budget_cols.values())
        side = {c.text for c in self.budget_header[:first_value]}
        name, name_cell = "", None
        for cell in cells[:first_value]:
            if cell.text and not cell.covered and cell.text not in side:
                name, name_cell = cell.text, cell
        if not name:
            for cell in cells[:first_value]:
                if cell.text and not cell.covered:
                    name, name_cell = cell.text, cell
        return name, name_cell

    def _budget_row(self, line: Line) -> bool:
        cells = line.cells or []
        if not self.budget_shift_checked and any(is_plain_number(c.text) for c in cells):
            # the first row of amounts says where the header's columns really stand
            self.budget_shift_checked = True
            shift = best_budget_shift(cells, self.budget_cols)
            if shift:
                self.budget_cols = {concept: index + shift for concept, index in self.budget_cols.items()}
            for concept in ("initial", "annual", "executed"):
                # one amount header a column left of its figures (an empty header cell beside it)
                index = self.budget_cols.get(concept)
                if (
                    index is not None
                    and index + 1 < len(cells)
                    and not is_plain_number(cells[index].text)
                    and is_plain_number(cells[index + 1].text)
                    and index + 1 not in self.budget_cols.values()
                ):
                    self.budget_cols[concept] = index + 1
        name, name_cell = self._budget_name(cells)
        norm = h.normalise(name)
        if not name or h.is_label(name, h.SECTION_LABELS) or not any(w in norm for w in h.MONEY_ROW_WORDS):
            return False
        if goal_columns(cells) is not None:
            return False
        budget = self.data.budget
        assert budget is not None
        row: dict[str, object] = {"name": name}
        is_total = "annual" not in budget and not norm.startswith("其中") and not budget["sources"]
        label = name.rstrip("：:")
        for concept, index in self.budget_cols.items():
            if index >= len(cells):
                continue
            cell = cells[index]
            text = "" if cell.covered and concept in ("note",) else cell.text
            column_label = self.budget_labels.get(concept, concept)
            if concept in BUDGET_TEXT_FIELDS:
                value = number(text)
                if value is not None:
                    row[concept] = value
                elif text and h.normalise(text) not in ("—", "-", "/", "——"):
                    self.data.unread.append(
                        f"{where(line)}（{label}）{h.bare(column_label)}列：“{text}”不是数字"
                    )
                if is_total:
                    self.data.cells[f"budget.{concept}"] = locate(line, cell, label, h.bare(column_label))
            elif concept == "rate":
                row["reported_rate"] = text
                if is_total:
                    self.data.cells["budget.rate"] = locate(line, cell, label, h.bare(column_label))
            elif concept == "weight" and is_total:
                value = number(text)
                if value is not None:
                    budget["weight"] = value
                    self.data.budget_weight_found = True
            elif concept == "score" and is_total:
                budget["reported_score"] = number(text)
                if not is_plain_number(text):
                    budget["reported_score_text"] = text
                self.data.cells["budget.score"] = locate(line, cell, label, h.bare(column_label))
        if is_total:
            for key in ("initial", "annual", "executed"):
                if key in row:
                    budget[key] = row[key]
            budget.setdefault("annual", row.get("annual", Decimal(0)))
            budget.setdefault("executed", row.get("executed", Decimal(0)))
            if row.get("reported_rate") is not None:
                budget["reported_rate"] = row["reported_rate"]
            if name_cell is not None:
                self.data.cells["budget"] = locate(line, name_cell, label, "")
        else:
            source = {k: v for k, v in row.items() if k in ("name", "initial", "annual", "executed")}
            rate = row.get("reported_rate")
            if rate and h.normalise(str(rate)) not in ("—", "-", "/"):
                source["reported_rate"] = rate
            budget["sources"].append(source)  # type: ignore[union-attr]
        return True

    # ---- indicator table ----------------------------------------------------------------------------

    def _indicator_header(self, line: Line, columns: dict[str, int]) -> None:
        cells = line.cells or []
        self.mode, self.ind_cols, self.ind_width = "indicators", columns, len(cells)
        above = self.previous_cells
        self.ind_labels = {
            concept: h.bare(header_text(cells, above, index)) for concept, index in columns.items()
        }
        first_level = min(columns[c] for c in h.LEVELS if c in columns)
        for cell in cells[:first_level]:
            points = h.stated_points(cell.text)
            if points is not None and not any(
                w.get("scope") == "indicators" for w in self.data.stated_weights
            ):
                self.data.stated_weights.append({"label": cell.text, "points": points, "scope": "indicators"})
        self.sub_header_allowed = True
        below = self._rows_below(line)
        shift = best_indicator_shift(below, columns) if below else None
        if shift:
            # the header's names stand a column off the values under them (a merged label collapsed
            # by a converter): the rows say where the columns are
            self.ind_cols = {concept: index + shift for concept, index in columns.items()}

    @staticmethod
    def _rows_below(line: Line) -> list[list[SourceCell]]:
        """The next rows of the line's table that hold values (a second header row skipped)."""
        table = line.table
        if table is None or line.cells is None:
            return []
        at = next((i for i, row in enumerate(table.rows) if row is line.cells), None)
        if at is None:
            return []
        rows = [r for r in table.rows[at + 1 : at + 8] if any(c.text for c in r)]
        return [r for r in rows if any(number(c.text) is not None for c in r)]

    def _block_label(self, line: Line) -> bool:
        """A row spanning the table that names a block of indicators ('年度绩效目标一（40分）')."""
        cells = line.cells or []
        texts = {c.text for c in cells if c.text}
        if len(texts) != 1:
            return False
        text = next(iter(texts))
        if h.is_label(text, h.TOTAL_LABELS) or number(text) is not None:
            return False
        self._close_block()
        points = h.stated_points(text)
        if points is not None:
            self.block = {"label": text, "points": points, "scope": "rows", "rows": []}
        return True

    def _close_block(self) -> None:
        if self.block is not None and self.block["rows"]:
            self.data.stated_weights.append(self.block)
        self.block = None

    def _level_names(self, cells: list[SourceCell]) -> tuple[list[str], list[str]]:
        """(own names, names with inherited upper levels) for the level columns of a row."""
        level_cols = [self.ind_cols[c] for c in h.LEVELS if c in self.ind_cols]
        own = []
        for index in level_cols:
            cell = cells[index] if index < len(cells) else None
            own.append(cell.text if cell is not None and not cell.covered else "")
        if len(self.carried) != len(own):
            self.carried = [""] * len(own)
        leaf = max((i for i, name in enumerate(own) if name), default=-1)
        for i in range(leaf):
            if own[i] and own[i] != self.carried[i]:
                self.carried[i] = own[i]
                for j in range(i + 1, len(own)):
                    self.carried[j] = ""
        if leaf >= 0:
            self.carried[leaf] = own[leaf]
            for j in range(leaf + 1, len(own)):
                self.carried[j] = ""
        names = [self.carried[i] if i < leaf else own[i] for i in range(leaf + 1)] if leaf >= 0 else []
        return own, names

    def _text(
        self, cells: list[SourceCell], concept: str, keep_covered: bool = False
    ) -> tuple[str, SourceCell | None]:
        index = self.ind_cols.get(concept)
        if index is None or index >= len(cells):
            return "", None
        cell = cells[index]
        if cell.covered and not keep_covered:
            return "", cell
        return cell.text, cell

    def _indicator_row(self, line: Line) -> None:
        cells = line.cells or []
        if self._block_label(line):
            return
        columns = self._row_columns(cells)
        if columns is not self.ind_cols:
            kept, self.ind_cols = self.ind_cols, columns
            try:
                self._read_indicator_row(line, cells)
            finally:
                self.ind_cols = kept
            return
        self._read_indicator_row(line, cells)

    def _row_columns(self, cells: list[SourceCell]) -> dict[str, int]:
        """The columns for one row: the table's, unless its 分值 cell holds something no 分值 is (a
        percentage, more than 100 points) and the row reads fully one column over (a row a converter
        moved by a cell)."""
        index = self.ind_cols.get("weight")
        if index is None or index >= len(cells) or not cells[index].text:
            return self.ind_cols
        text = cells[index].text
        weight = number(text)
        if weight is not None and "%" not in h.normalise(text) and weight <= 100:
            return self.ind_cols
        here = row_points(cells, self.ind_cols)
        best, best_points = self.ind_cols, max(here, 3)
        for shift in (1, -1):
            moved = {concept: i + shift for concept, i in self.ind_cols.items()}
            if min(moved.values()) < 0:
                continue
            points = row_points(cells, moved)
            if points > best_points:
                best, best_points = moved, points
        return best

    def _read_indicator_row(self, line: Line, cells: list[SourceCell]) -> None:
        own, names = self._level_names(cells)
        if not names:
            return
        weight_text, weight_cell = self._text(cells, "weight")
        level_count = len(own)
        path = []
        for i, name in enumerate(names):
            clean = h.without_points(name) or name
            points = h.stated_points(name)
            path.append(clean)
            group_key = path_key(path)
            if points is not None and i < level_count - 1 and group_key not in self.groups_stated:
                self.groups_stated.add(group_key)
                self.data.stated_weights.append(
                    {"label": name, "points": points, "scope": "group", "path": list(path)}
                )
        if not weight_text and not any(self._text(cells, c)[0] for c in ("target", "actual", "score")):
            if len(path) < level_count:
                self.data.empty_rows.append([*path, ""])
            else:
                self.data.empty_rows.append(path)
            return
        if len(path) < level_count and len(path) >= 1 and not own[len(path) - 1]:
            self.data.unread.append(f"{where(line)}：指标名称为空，未读取")
            return
        weight = number(weight_text)
        row_label = "/".join(path)
        if weight is None:
            shown = f"“{weight_text}”不是数字" if weight_text else "为空"
            self.data.unread.append(f"{where(line)}（{row_label}）分值列{shown}，本行未计分")
            return
        item: dict[str, object] = {"path": path, "weight": weight}
        key = path_key(path)
        index = len(self.data.indicators)
        for concept, field in (
            ("target", "target"),
            ("actual", "actual"),
            ("nature", "nature"),
            ("unit", "unit"),
            ("deviation", "deviation"),
            ("standard", "standard"),
        ):
            text, cell = self._text(cells, concept)
            if text:
                item[field] = text
            if cell is not None and concept in ("target", "actual"):
                self.data.cells[f"indicator[{key}].{concept}"] = locate(
                    line, cell, row_label, self._header(concept)
                )
        score_text, score_cell = self._text(cells, "score")
        if "score" in self.ind_cols:
            value = number(score_text)
            if value is not None:
                item["reported_score"] = value
            if not is_plain_number(score_text):
                item["reported_score_text"] = score_text
            if score_cell is not None:
                self.data.cells[f"indicator[{key}].score"] = locate(
                    line, score_cell, row_label, self._header("score")
                )
        if weight_cell is not None:
            self.data.cells[f"indicator[{key}].weight"] = locate(
                line, weight_cell, row_label, self._header("weight")
            )
        self.data.cells[f"indicator[{key}]"] = locate(line, None, row_label, "")
        self.data.indicators.append(item)
        if self.block is not None:
            self.block["rows"].append(index)  # type: ignore[union-attr]

    def _sub_header(self, cells: list[SourceCell], sub: dict[str, int]) -> None:
        """A second header row under the first ('年度指标值' over 计划值 | 实际完成值): its columns win."""
        taken = set(sub.values())
        kept = {c: i for c, i in self.ind_cols.items() if i not in taken and c not in sub}
        self.ind_cols = {**kept, **sub}
        for concept, index in sub.items():
            self.ind_labels[concept] = h.bare(cells[index].text)

    def _header(self, concept: str) -> str:
        return self.ind_labels.get(concept, concept)

    # ---- totals -------------------------------------------------------------------------------------

    def _total(self, line: Line, label_index: int) -> None:
        cells = line.cells or []
        label = h.bare(cells[label_index].text)
        self._close_block()
        if self.seen_total and self.mode != "indicators":
            return  # the form's total is read: a later 合计 row (of a table after the form) is not it
        self.seen_total = self.data.seen_total = True
        if self.mode != "indicators" and not self.ind_cols:
            return
        weight_text, weight_cell = self._text(cells, "weight")
        score_text, score_cell = self._text(cells, "score")
        if not score_text:
            # the figures of a total row stand where the row's merged cells put them (a converter may
            # collapse a merged label, leaving the total under another column)
            numbers = [
                (c.text, c)
                for c in cells[label_index + 1 :]
                if not c.covered and number(c.text) is not None and c is not weight_cell
            ]
            if len(numbers) >= 2 and not weight_text:
                (weight_text, weight_cell), (score_text, score_cell) = numbers[-2], numbers[-1]
            elif len(numbers) == 1 and not weight_text and number(numbers[0][0]) == self._weight_sum():
                weight_text, weight_cell = numbers[0]  # the weights' total alone
            elif len(numbers) == 1:
                score_text, score_cell = numbers[0]
        value = number(weight_text)
        if value is not None:
            self.data.reported["reported_weight_total"] = value
            self.data.cells["weight_total"] = locate(line, weight_cell, label, self._header("weight"))
        if score_cell is not None:
            total = number(score_text)
            if total is not None:
                self.data.reported["reported_total"] = total
            if not is_plain_number(score_text):
                self.data.reported["reported_total_text"] = score_text
            self.data.cells["total"] = locate(line, score_cell, label, self._header("score"))
        self.mode = ""

    def _weight_sum(self) -> Decimal:
        total = sum((Decimal(str(i["weight"])) for i in self.data.indicators), Decimal(0))
        budget = self.data.budget or {}
        return total + Decimal(str(budget.get("weight") or 0))

    def _grade(self, line: Line, label_index: int) -> None:
        cells = line.cells or []
        text, cell = value_right_of(cells, label_index, h.GRADE_LABELS)
        grade = h.normalise(text).strip("“”\"'")
        if grade in ("优", "良", "中", "差"):
            self.data.reported["reported_grade"] = grade
            self.data.cells["grade"] = locate(line, cell, h.bare(cells[label_index].text), "等级")

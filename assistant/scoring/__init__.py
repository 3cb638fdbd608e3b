"""The deterministic scorer (评分引擎). Public API:

- :func:`score_case` (Case → ScoreSheet), :func:`sheet_values` (every quotable number by key),
  :func:`grade_for`, :func:`infer_rule`, :func:`parse_value`;
- the models :class:`ScoreSheet`, :class:`IndicatorResult`, :class:`GroupResult`, :class:`BudgetResult`,
  :class:`ParsedValue`.
"""

from .apply import infer_rule
from .flatten import sheet_values
from .scorer import score_case
from .sheet import BudgetResult, GroupResult, IndicatorResult, ScoreSheet, grade_for, rate_of
from .values import ParsedValue, ValueParseError, parse_value

__all__ = [
    "BudgetResult",
    "GroupResult",
    "IndicatorResult",
    "ParsedValue",
    "ScoreSheet",
    "ValueParseError",
    "grade_for",
    "infer_rule",
    "parse_value",
    "rate_of",
    "score_case",
    "sheet_values",
]

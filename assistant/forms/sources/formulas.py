"""Spreadsheet formulas without a stored result, worked out for reading.

Excel and WPS store each formula's last result beside it, and the reader shows that. A workbook written by a
program (a system export) may store the formula alone: its 得分, 执行率 and 总分 cells would read as blank. The
simple arithmetic a form uses is recomputed here — numbers, cell references of the same sheet, + - * / ^,
parentheses, SUM, SUBTOTAL(9/109), MIN, MAX, AVERAGE, ROUND, ABS — and anything else (text functions, other
sheets, IF…) is left blank, never guessed. No Python evaluation is involved: the formula is parsed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from openpyxl.utils.cell import column_index_from_string

MAX_DEPTH = 20
"""References followed through other formulas at most this deep (a cycle stops there)."""
MAX_RANGE_CELLS = 5000

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)"
    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+)|(?P<func>[A-Z][A-Z0-9.]*)\s*\(|(?P<op>[-+*/^(),%]))"
)
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


class FormulaError(ValueError):
    """The formula uses something not recomputed here."""


def _cell(ref: str) -> tuple[int, int]:
    m = _CELL.fullmatch(ref)
    if m is None:
        raise FormulaError(ref)
    return int(m.group(2)), column_index_from_string(m.group(1))


def _tokens(formula: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    text = formula.strip().lstrip("=").upper()
    at = 0
    while at < len(text):
        m = _TOKEN.match(text, at)
        if m is None or m.end() == at:
            if text[at:].strip() == "":
                break
            raise FormulaError(text[at:])
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        at = m.end()
    return out


Lookup = Callable[[int, int], "Decimal | None"]


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], lookup: Lookup) -> None:
        self.tokens, self.at, self.lookup = tokens, 0, lookup

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise FormulaError(value or "end")
        self.at += 1
        return token

    def expression(self) -> Decimal:
        value = self.term()
        while (token := self.peek()) is not None and token[1] in ("+", "-"):
            self.take()
            value = value + self.term() if token[1] == "+" else value - self.term()
        return value

    def term(self) -> Decimal:
        value = self.power()
        while (token := self.peek()) is not None and token[1] in ("*", "/"):
            self.take()
            other = self.power()
            if token[1] == "*":
                value *= other
            elif other == 0:
                raise FormulaError("division by zero")
            else:
                value /= other
        return value

    def power(self) -> Decimal:
        value = self.unary()
        if (token := self.peek()) is not None and token[1] == "^":
            self.take()
            exponent = self.unary()
            if exponent != exponent.to_integral_value() or abs(exponent) > 10:
                raise FormulaError("power")
            value = value ** int(exponent)
        return value

    def unary(self) -> Decimal:
        token = self.peek()
        if token is not None and token[1] in ("-", "+"):
            self.take()
            value = self.unary()
            return -value if token[1] == "-" else value
        value = self.atom()
        if (token := self.peek()) is not None and token[1] == "%":
            self.take()
            value /= 100
        return value

    def atom(self) -> Decimal:
        kind, text = self.take()
        if kind == "num":
            return Decimal(text)
        if kind == "ref":
            value = self.lookup(*_cell(text))
            return value if value is not None else Decimal(0)
        if kind == "func":
            return self.function(text)
        if text == "(":
            value = self.expression()
            self.take(")")
            return value
        raise FormulaError(text)

    def arguments(self) -> list[list[Decimal]]:
        args: list[list[Decimal]] = []
        if (token := self.peek()) is not None and token[1] == ")":
            self.take()
            return args
        while True:
            token = self.peek()
            if token is not None and token[0] == "range":
                self.take()
                args.append(self.cells(token[1]))
            else:
                args.append([self.expression()])
            if self.take()[1] == ")":
                return args

    def cells(self, text: str) -> list[Decimal]:
        first, last = text.split(":")
        (r0, c0), (r1, c1) = _cell(first), _cell(last)
        if (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1) > MAX_RANGE_CELLS:
            raise FormulaError("range too large")
        values = []
        for r in range(min(r0, r1), max(r0, r1) + 1):
            for c in range(min(c0, c1), max(c0, c1) + 1):
                value = self.lookup(r, c)
                if value is not None:
                    values.append(value)
        return values

    def function(self, name: str) -> Decimal:
        args = self.arguments()
        flat = [v for arg in args for v in arg]
        if name == "SUM":
            return sum(flat, Decimal(0))
        if name == "SUBTOTAL" and args and len(args[0]) == 1 and args[0][0] in (9, 109):
            return sum((v for arg in args[1:] for v in arg), Decimal(0))
        if name in ("MIN", "MAX") and flat:
            return min(flat) if name == "MIN" else max(flat)
        if name == "AVERAGE" and flat:
            return sum(flat, Decimal(0)) / len(flat)
        if name == "ABS" and len(flat) == 1:
            return abs(flat[0])
        if name == "ROUND" and len(args) == 2 and len(args[0]) == 1 and len(args[1]) == 1:
            value, places = args[0][0], args[1][0]
            if places != places.to_integral_value() or not -10 <= places <= 10:
                raise FormulaError("ROUND")
            return value.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
        raise FormulaError(name)


def evaluate(formula: str, lookup: Lookup) -> Decimal | None:
    """The formula's result, or None when it uses anything not recomputed here."""
    try:
        parser = _Parser(_tokens(formula), lookup)
        value = parser.expression()
        if parser.peek() is not None:
            return None
        return value
    except (FormulaError, InvalidOperation, ArithmeticError, RecursionError):
        return None


def sheet_lookup(values_ws, formulas_ws, max_row: int, max_col: int) -> Lookup:
    """A cell's number for :func:`evaluate`: its stored value (a number, or text such as '1,280.00'), or its
    own formula worked out when no result is stored (at most :data:`MAX_DEPTH` formulas deep)."""
    memo: dict[tuple[int, int], Decimal | None] = {}
    depth = [0]

    def lookup(row: int, column: int) -> Decimal | None:
        key = (row, column)
        if key in memo:
            return memo[key]
        if not (1 <= row <= max_row and 1 <= column <= max_col) or depth[0] >= MAX_DEPTH:
            return None
        memo[key] = None  # a cycle reads as blank
        value = values_ws.cell(row=row, column=column).value
        result: Decimal | None = None
        if isinstance(value, bool):
            result = None
        elif isinstance(value, int | float):
            result = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        elif isinstance(value, str):
            text = value.replace(",", "").strip()
            result = Decimal(text) if re.fullmatch(r"-?\d+(?:\.\d+)?", text) else None
        elif value is None:
            raw = formulas_ws.cell(row=row, column=column).value
            if isinstance(raw, str) and raw.startswith("="):
                depth[0] += 1
                try:
                    result = evaluate(raw, lookup)
                finally:
                    depth[0] -= 1
        memo[key] = result
        return result

    return lookup

"""Calculations written out in a text (``142.86/144 = 99.21%``, ``(176×5+…)/(212×5)=94.72%``): found and
evaluated in one left-to-right pass, with no regular-expression backtracking and no recursion, so a hostile
line (``7+7+…+7=。`` a thousand times, or ten thousand nested parentheses) costs time proportional to its
length.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext

from .numbers import normalize

_EXPR_CHARS = frozenset("0123456789.()（）+-×xX*÷/% \t")
_OPERATORS = frozenset("+-×xX*÷/")
_EQUALS = frozenset("=＝≈")
_DIGITS = frozenset("0123456789")
MAX_TOKENS = 2000
"""A written calculation longer than this is not evaluated (nobody writes one; it bounds the work)."""


@dataclass(frozen=True)
class WrittenFormula:
    """One 'expression = result' found in a text; offsets are into the text as given."""

    expr: str
    expr_start: int
    result: str
    result_end: int
    percent: bool

    @property
    def decimals(self) -> int:
        return len(self.result.split(".")[1]) if "." in self.result else 0


def find_formulas(text: str) -> list[WrittenFormula]:
    """Every 'expression [=＝≈] number[%]' in ``text``: the expression is the run of digits, operators,
    parentheses and spaces just before the sign and must hold at least one operator between digits."""
    norm = normalize(text)
    out: list[WrittenFormula] = []
    run_start = 0  # start of the current run of expression characters
    for i, ch in enumerate(norm):
        if ch in _EQUALS:
            expr = norm[run_start:i]
            result, end, pct = _number_after(norm, i + 1)
            if result and _has_operation(expr):
                stripped = expr.strip()
                out.append(
                    WrittenFormula(
                        expr=stripped,
                        expr_start=run_start + (len(expr) - len(expr.lstrip())),
                        result=result,
                        result_end=end,
                        percent=pct,
                    )
                )
            run_start = i + 1
        elif ch not in _EXPR_CHARS:
            run_start = i + 1
    return out


def _number_after(text: str, i: int) -> tuple[str, int, bool]:
    """The number (and whether '%' follows) starting at ``i`` after optional spaces."""
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    start = i
    while i < n and text[i] in _DIGITS:
        i += 1
    if i == start:
        return "", i, False
    if i + 1 < n and text[i] == "." and text[i + 1] in _DIGITS:
        i += 1
        while i < n and text[i] in _DIGITS:
            i += 1
    digits = text[start:i]
    j = i
    while j < n and text[j] in " \t":
        j += 1
    if j < n and text[j] == "%":
        return digits, j + 1, True
    return digits, i, False


def _has_operation(expr: str) -> bool:
    """A digit, later an operator, later a digit: '11/14', '(1-0.7865)/3×2' (not '2024.6.27' or '-5')."""
    seen_digit = seen_op = False
    for ch in expr:
        if ch in _DIGITS:
            if seen_op:
                return True
            seen_digit = True
        elif ch in _OPERATORS and seen_digit:
            seen_op = True
    return False


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _tokens(expr: str) -> list[str | Decimal] | None:
    """Numbers (a trailing % divides by 100), operators and parentheses; None on anything else."""
    out: list[str | Decimal] = []
    i, n = 0, len(expr)
    while i < n:
        ch = expr[i]
        if ch in " \t":
            i += 1
        elif ch in _DIGITS or ch == ".":
            start = i
            while i < n and (expr[i] in _DIGITS or expr[i] == "."):
                i += 1
            try:
                value = Decimal(expr[start:i])
            except InvalidOperation:
                return None
            j = i
            while j < n and expr[j] in " \t":
                j += 1
            if j < n and expr[j] == "%":
                value, i = value / 100, j + 1
            out.append(value)
        elif ch in "(（":
            out.append("(")
            i += 1
        elif ch in ")）":
            out.append(")")
            i += 1
        elif ch in "+-":
            out.append(ch)
            i += 1
        elif ch in "×xX*":
            out.append("*")
            i += 1
        elif ch in "÷/":
            out.append("/")
            i += 1
        else:
            return None
        if len(out) > MAX_TOKENS:
            return None
    return out


def evaluate(expr: str) -> Decimal | None:
    """The value of + - × ÷ / and parentheses with Decimal arithmetic (operator precedence, unary minus),
    or None when the text is not a clean expression. Iterative (shunting-yard): no recursion limit."""
    tokens = _tokens(normalize(expr))
    if not tokens:
        return None
    values: list[Decimal] = []
    ops: list[str] = []
    expect_operand = True
    try:
        with localcontext() as ctx:
            ctx.prec = 28
            ctx.Emax, ctx.Emin = 10**6, -(10**6)
            for tok in tokens:
                if isinstance(tok, Decimal):
                    if not expect_operand:
                        return None
                    values.append(tok)
                    expect_operand = False
                elif tok == "(":
                    if not expect_operand:
                        return None
                    ops.append("(")
                elif tok == ")":
                    if expect_operand:
                        return None
                    while ops and ops[-1] != "(":
                        _apply(values, ops.pop())
                    if not ops:
                        return None
                    ops.pop()
                elif expect_operand:
                    if tok != "-":
                        return None
                    ops.append("neg")
                else:
                    while (
                        ops
                        and ops[-1] != "("
                        and (ops[-1] == "neg" or _PRECEDENCE[ops[-1]] >= _PRECEDENCE[tok])
                    ):
                        _apply(values, ops.pop())
                    ops.append(tok)
                    expect_operand = True
            if expect_operand:
                return None
            while ops:
                op = ops.pop()
                if op == "(":
                    return None
                _apply(values, op)
            return values[0] if len(values) == 1 else None
    except (ArithmeticError, IndexError):  # DivisionByZero, InvalidOperation, Overflow are ArithmeticError
        return None


def _apply(values: list[Decimal], op: str) -> None:
    if op == "neg":
        values.append(-values.pop())
        return
    b, a = values.pop(), values.pop()
    if op == "+":
        values.append(a + b)
    elif op == "-":
        values.append(a - b)
    elif op == "*":
        values.append(a * b)
    elif b == 0:
        raise DivisionByZero
    else:
        values.append(a / b)

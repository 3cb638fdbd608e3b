"""Evaluations (评测) that measure the product against gold data: ``evals/`` measures, ``tests/`` asserts."""

from .scorer_eval import (
    CaseComparison,
    Disagreement,
    IndicatorComparison,
    ScorerEvalResult,
    run_scorer_eval,
)

__all__ = [
    "CaseComparison",
    "Disagreement",
    "IndicatorComparison",
    "ScorerEvalResult",
    "run_scorer_eval",
]

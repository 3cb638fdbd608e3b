"""Opt-in: the model path against a real local model, served on loopback over HTTP/SSE.

    PE_ASSISTANT_TEST_GGUF=/path/model.gguf [PE_ASSISTANT_TEST_REPORT=out.json] pytest -m real_model -s

Skipped unless a GGUF file is given (CI has none). Drafts a report section by section through the robust
client and reports per-call latency, the share of prose sections the model wrote, and what fell back and why.
The assertions are the ones that must hold for any model, good or bad: no exception escapes, and every prose
section is either the model's or the offline text with a note.
"""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path

import pytest

from assistant.case_io import load_case
from assistant.drafting import draft_report
from assistant.export import to_markdown
from assistant.llm import build_llm
from assistant.scoring import score_case
from assistant.settings import Settings

GGUF = os.environ.get("PE_ASSISTANT_TEST_GGUF", "")
CASE = (
    Path(__file__).resolve().parent.parent
    / "evals"
    / "cases"
    / os.environ.get("PE_ASSISTANT_TEST_CASE", "se10_itdf_laiwu_free_wifi.yaml")
)

pytestmark = [
    pytest.mark.real_model,
    pytest.mark.skipif(
        not GGUF or not Path(GGUF).is_file(), reason="set PE_ASSISTANT_TEST_GGUF to a GGUF file"
    ),
]


def test_draft_with_a_real_model():
    from llm_server.__main__ import serve_gguf

    context = int(os.environ.get("PE_ASSISTANT_TEST_CONTEXT", "8192"))
    with serve_gguf(Path(GGUF), context) as server:
        settings = Settings(
            _env_file=None,
            llm_base_url=server.url,
            llm_model=Path(GGUF).stem,
            llm_context_window=context,
            llm_max_tokens=int(os.environ.get("PE_ASSISTANT_TEST_MAX_TOKENS", "768")),
            llm_first_token_timeout=120,
            llm_prompt_tokens_per_second=15,
            llm_idle_timeout=60,
        )
        client = build_llm(settings)
        case = load_case(CASE)
        report = draft_report(case, score_case(case), llm=client)
    prose = [s for s in report.sections if any(not p.template.startswith("（待补充") for p in s.paragraphs)]
    written = [s for s in prose if s.source == "llm"]
    fell_back = [s for s in prose if s.source != "llm"]
    assert all(s.note for s in fell_back), [s.id for s in fell_back if not s.note]
    calls = client.calls
    ok = [c for c in calls if c.outcome == "ok"]
    summary = {
        "model": Path(GGUF).name,
        "case": CASE.name,
        "calls": len(calls),
        "calls_ok": len(ok),
        "seconds_median": round(statistics.median(c.seconds for c in calls), 1) if calls else None,
        "seconds_max": round(max(c.seconds for c in calls), 1) if calls else None,
        "first_token_median": round(
            statistics.median(c.first_token_seconds for c in ok if c.first_token_seconds), 1
        )
        if any(c.first_token_seconds for c in ok)
        else None,
        "prompt_tokens_median": statistics.median(c.prompt_tokens for c in calls) if calls else None,
        "prose_sections": len(prose),
        "model_sections": len(written),
        "kept_share": round(len(written) / len(prose), 3) if prose else None,
        "fallbacks": {s.id: s.note for s in fell_back},
        "per_call": [
            {
                "purpose": c.purpose,
                "prompt_tokens": c.prompt_tokens,
                "completion_tokens": c.completion_tokens,
                "seconds": round(c.seconds, 1),
                "first_token": round(c.first_token_seconds, 1) if c.first_token_seconds else None,
                "outcome": c.outcome,
            }
            for c in calls
        ],
    }
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    print(text)
    if os.environ.get("PE_ASSISTANT_TEST_DRAFT"):
        Path(os.environ["PE_ASSISTANT_TEST_DRAFT"]).write_text(to_markdown(report), encoding="utf-8")
    if os.environ.get("PE_ASSISTANT_TEST_REPORT"):
        Path(os.environ["PE_ASSISTANT_TEST_REPORT"]).write_text(text, encoding="utf-8")

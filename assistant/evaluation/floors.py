"""Recorded floors for eval figures: CI fails when a figure drops below (or rises above) its floor.

`evals/floors.yaml` lists, per eval, figures by dotted path into that eval's result JSON
(`evals/results/<eval>.json`). A floor is `min: <number>` / `max: <number>`, or `min_key: <dotted path>` when the
figure must reach another figure of the same result (e.g. totals reproduced ≥ totals reported).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.errors import InputError
from assistant.settings import REPO_ROOT

FLOORS_PATH = REPO_ROOT / "evals" / "floors.yaml"
RESULTS_DIR = REPO_ROOT / "evals" / "results"


class Floor(BaseModel):
    """One recorded floor."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="Dotted path into the result JSON; list items by index, e.g. legs.2.recall_at_5")
    min: float | None = None
    max: float | None = None
    min_key: str | None = Field(default=None, description="The figure must be ≥ the figure at this path")
    why: str = Field(default="", description="What the figure means, for the report")

    @model_validator(mode="after")
    def _one_bound(self) -> Floor:
        if self.min is None and self.max is None and self.min_key is None:
            raise ValueError(f"底线 {self.key} 需要 min、max 或 min_key 之一")
        return self


class FloorCheck(BaseModel):
    """A floor compared with the figure found."""

    eval: str
    key: str
    value: float | None
    bound: str
    ok: bool
    why: str = ""


def lookup(data: Any, path: str) -> Any:
    """Follow a dotted path through dicts and lists (list items by index, or by `name=value` selector)."""
    node = data
    for part in path.split("."):
        if isinstance(node, list):
            if "=" in part:
                field, value = part.split("=", 1)
                node = next((item for item in node if str(item.get(field)) == value), None)
            else:
                node = node[int(part)] if int(part) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
        if node is None:
            return None
    return node


def load_floors(path: Path = FLOORS_PATH) -> dict[str, list[Floor]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        return {name: [Floor.model_validate(f) for f in floors] for name, floors in raw.items()}
    except ValueError as exc:
        raise InputError(f"{path.name} 格式错误：{exc}") from exc


def check_result(name: str, result: dict, floors: list[Floor]) -> list[FloorCheck]:
    checks = []
    for floor in floors:
        value = lookup(result, floor.key)
        value = float(value) if isinstance(value, (int, float)) else None
        bounds, ok = [], value is not None
        if floor.min is not None:
            bounds.append(f"≥ {floor.min:g}")
            ok = ok and value >= floor.min
        if floor.max is not None:
            bounds.append(f"≤ {floor.max:g}")
            ok = ok and value <= floor.max
        if floor.min_key is not None:
            other = lookup(result, floor.min_key)
            bounds.append(f"≥ {floor.min_key} ({other})")
            ok = ok and isinstance(other, (int, float)) and value >= other
        checks.append(FloorCheck(eval=name, key=floor.key, value=value, bound="，".join(bounds), ok=ok, why=floor.why))
    return checks


def check_results(results_dir: Path = RESULTS_DIR, floors_path: Path = FLOORS_PATH,
                  only: set[str] | None = None) -> list[FloorCheck]:
    """Compare every result file that has floors; a missing result file is a failed check."""
    checks: list[FloorCheck] = []
    for name, floors in load_floors(floors_path).items():
        if only is not None and name not in only:
            continue
        path = results_dir / f"{name}.json"
        if not path.exists():
            checks.append(FloorCheck(eval=name, key="(结果文件)", value=None, bound=f"需要 {path.name}", ok=False))
            continue
        checks += check_result(name, json.loads(path.read_text(encoding="utf-8")), floors)
    return checks

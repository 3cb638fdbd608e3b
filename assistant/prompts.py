"""Prompt files: ``prompts/<name>.md.j2`` rendered by name with Jinja's StrictUndefined.

A missing variable is an error, not an empty string, so a prompt never silently loses its inputs.
Files are found through the installed ``prompts`` package, so this works from a wheel as well as a checkout.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import jinja2

from assistant.errors import ConfigError

PROMPT_SUFFIX = ".md.j2"


def prompt_names() -> list[str]:
    """Names of every prompt file shipped in the ``prompts`` package (without the suffix)."""
    root = resources.files("prompts")
    return sorted(p.name[: -len(PROMPT_SUFFIX)] for p in root.iterdir() if p.name.endswith(PROMPT_SUFFIX))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_source),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


def _load_source(template_name: str) -> str:
    path = resources.files("prompts") / template_name
    if not path.is_file():
        raise ConfigError(
            f"找不到提示词文件 prompts/{template_name}（可用：{', '.join(prompt_names()) or '无'}）。"
        )
    return path.read_text(encoding="utf-8")


def render(name: str, **variables: object) -> str:
    """Render ``prompts/<name>.md.j2``; raises ConfigError for an unknown name or a missing variable."""
    template = _environment().get_template(name + PROMPT_SUFFIX)
    try:
        return template.render(**variables)
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"提示词 {name} 缺少变量：{exc.message}") from exc

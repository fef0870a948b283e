"""User settings: built-in defaults, overridden by config.toml, overridden by the environment.

``config.toml`` lives in the user config directory (or DRILL_HOME). Every value remembers
where it came from, so `drill config` can say why a setting has the value it has.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drill.errors import InputError
from drill.paths import config_dir

DEFAULTS: dict[str, Any] = {
    "desired_retention": 0.9,
    "new_per_day": 10,
    "quiz_length": 10,
    "bank_dirs": [],
    "grader": "builtin",
    "grader_model": "",
    "grader_timeout": 60.0,
}
_CHECKS = {
    "desired_retention": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0.5 <= v < 1,
    "new_per_day": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "quiz_length": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
    "bank_dirs": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "grader": lambda v: v in ("builtin", "llm"),
    "grader_model": lambda v: isinstance(v, str) and "\n" not in v and len(v) <= 200,
    "grader_timeout": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 3600,
}
_EXPECTED = {
    "desired_retention": "a number from 0.5 to 0.99",
    "new_per_day": "a whole number >= 0",
    "quiz_length": "a whole number >= 1",
    "bank_dirs": "a list of directory paths",
    "grader": "'builtin' or 'llm'",
    "grader_model": "a model name that `llm models` lists ('' for llm's default model)",
    "grader_timeout": "a number of seconds from 0 to 3600",
}


@dataclass(frozen=True)
class Settings:
    desired_retention: float = 0.9
    new_per_day: int = 10
    quiz_length: int = 10
    bank_dirs: tuple[str, ...] = ()
    grader: str = "builtin"  # "llm": concept answers graded by a language model through `llm`
    grader_model: str = ""
    grader_timeout: float = 60.0
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    path: Path | None = None


def config_path() -> Path:
    return config_dir() / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    values = dict(DEFAULTS)
    sources = {k: "default" for k in DEFAULTS}
    if path.is_file():
        import tomllib

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: not valid TOML ({exc})") from None
        for key, value in data.items():
            if key not in DEFAULTS:
                raise InputError(f"{path}: unknown setting '{key}' (known: {', '.join(DEFAULTS)})")
            if not _CHECKS[key](value):
                raise InputError(f"{path}: {key} must be {_EXPECTED[key]}, got {value!r}")
            values[key] = value
            sources[key] = str(path)
    return Settings(
        desired_retention=float(values["desired_retention"]),
        new_per_day=int(values["new_per_day"]),
        quiz_length=int(values["quiz_length"]),
        bank_dirs=tuple(os.path.expanduser(p) for p in values["bank_dirs"]),
        grader=str(values["grader"]),
        grader_model=str(values["grader_model"]),
        grader_timeout=float(values["grader_timeout"]),
        sources=sources,
        path=path,
    )

"""What commands share: loading the catalog with the user's bank directories and filters."""


from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from drill.catalog import Catalog, Filters

if TYPE_CHECKING:
    from drill.grading import Grader
    from drill.settings import Settings


def catalog(bank_dirs: Iterable[Path] = (), settings: "Settings | None" = None) -> Catalog:
    """Every bank: built-in, DRILL_BANKS, config.toml's bank_dirs and --bank-dir; pass the
    settings when the command has read them already."""
    from drill.index import load_catalog
    from drill.settings import load_settings
    from drill.view.loading import load_progress

    settings = settings or load_settings()
    with load_progress() as progress:
        return load_catalog([*settings.bank_dirs, *bank_dirs], progress)


def grader(settings: "Settings", choice: str | None = None) -> "Grader":
    """The grader the settings ask for (``choice`` overrides them); a model that cannot grade
    is reported on stderr once, and the built-in grader takes over."""
    import typer

    from drill.grading import Grader

    use_model = (choice or settings.grader) == "llm"
    return Grader(settings.grader_model or None, use_model=use_model, timeout=settings.grader_timeout,
                  warn=lambda message: typer.echo(f"drill: {message}", err=True))


def filters(bank: list[str], topic: list[str], kind: list, ids: list[str]) -> Filters:
    return Filters(tuple(bank), tuple(topic), tuple(k.value if hasattr(k, "value") else k for k in kind), tuple(ids))


def _safe_catalog() -> Catalog | None:
    try:
        return catalog()
    except Exception:  # completion must never print a traceback into the shell
        return None


def complete_ids(incomplete: str) -> list[str]:
    cat = _safe_catalog()
    if cat is None:
        return []
    entries = cat.entries()
    keys = [e.id for e in entries] + [e.ref for e in entries]
    return [k for k in keys if k.startswith(incomplete)]


def complete_banks(incomplete: str) -> list[str]:
    cat = _safe_catalog()
    return [name for name in cat.bank_names() if name.startswith(incomplete)] if cat else []


def complete_topics(incomplete: str) -> list[str]:
    cat = _safe_catalog()
    return [t for t in cat.topics() if t.startswith(incomplete)] if cat else []

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def drill_home(tmp_path, monkeypatch):
    """Every test gets its own state directory and sees no user banks or settings."""
    home = tmp_path / "drill-home"
    monkeypatch.setenv("DRILL_HOME", str(home))
    monkeypatch.delenv("DRILL_BANKS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    return home


@pytest.fixture
def mini_banks(monkeypatch):
    """Point DRILL_BANKS at the small fixture bank (one question of each kind)."""
    monkeypatch.setenv("DRILL_BANKS", str(FIXTURES / "banks"))
    return FIXTURES / "banks"

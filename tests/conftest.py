from __future__ import annotations

import os
import sqlite3
from pathlib import Path

# One BLAS thread, as drill itself runs numpy (drill.cli): the tests' arrays are small, and
# idle BLAS threads spinning beside them only slow the suite on a small runner.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def builtin_index(tmp_path_factory) -> Path:
    """The built-in banks indexed once for the whole run. Parsing them (YAML and every rubric
    pattern's analysis) costs seconds, which each test's fresh home would pay again; the
    index's own behaviour (cold loads, re-indexing, damage) is tested on banks of its tests'
    own, in tests/test_index_cache.py."""
    from drill.index import index_path, load_catalog

    home = tmp_path_factory.mktemp("index-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRILL_HOME", str(home))
        mp.delenv("DRILL_BANKS", raising=False)
        load_catalog()
        return index_path()


@pytest.fixture(autouse=True)
def drill_home(tmp_path, monkeypatch, builtin_index):
    """Every test gets its own state directory and sees no user banks or settings; its cache
    starts with the built-in banks already indexed (a copy: tests may change or damage it)."""
    home = tmp_path / "drill-home"
    (home / "cache").mkdir(parents=True)
    with sqlite3.connect(builtin_index) as src, sqlite3.connect(home / "cache" / builtin_index.name) as dst:
        src.backup(dst)
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


@pytest.fixture
def process_pools(monkeypatch) -> list[int]:
    """Worker pools started from now on, each as its number of workers: work that is spread over
    the CPUs (drill.workers) runs in real processes while the test sees that it did."""
    import concurrent.futures

    started: list[int] = []

    class CountedPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    return started

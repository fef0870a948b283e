"""The bank index cache: parsed banks kept between runs, never stale.

Parsing YAML is the slowest part of start-up with large banks, so each clean file's parsed
``Bank`` is pickled in the user cache directory together with the file's mtime, size and
content hash. A file whose mtime or size changed is read again; if its hash is unchanged the
cached bank is reused, otherwise it is re-parsed. Faulty files are never cached, so their
faults are reported every time. The cache can be deleted at any time.

A cold load of a large bank (its first run, or after the cache was deleted) parses its files
in worker processes, one file each, since parsing and validating them is independent work.
"""

from __future__ import annotations

import gc
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from drill import __version__
from drill.bank import Bank, bank_files, check_duplicates, parse_bank_text
from drill.catalog import Catalog
from drill.errors import BankError
from drill.paths import cache_dir

CACHE_FORMAT = 3  # 2: rubric opposites, examples with their lines; 3: pattern lines, phrases


@dataclass
class _Entry:
    mtime_ns: int
    size: int
    sha256: str
    bank: Bank


def _cache_file() -> Path:
    return cache_dir() / f"banks-v{CACHE_FORMAT}-{__version__}.pickle"


def _read_cache(path: Path) -> dict[str, _Entry]:
    # The cache is one large tree of objects that live as long as the process: collecting
    # while it loads, or scanning it again at every later collection, only costs time.
    gc.disable()
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
        return data if isinstance(data, dict) else {}
    except Exception:  # a missing, truncated or foreign cache is simply rebuilt
        return {}
    finally:
        gc.freeze()
        gc.enable()


def _write_cache(path: Path, entries: dict[str, _Entry]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache directory only costs speed


@dataclass
class _Parse:
    """A file that must be parsed, with what its cache entry will record."""

    key: str
    mtime_ns: int
    size: int
    sha256: str
    text: str
    file: str


# Below this much YAML, starting worker processes costs more than it saves.
PARALLEL_BYTES = 1_000_000


def parse_many(jobs: list[tuple[str, str]]) -> list[tuple[Bank | None, list[tuple[str, int, str]]]]:
    """parse_bank_text of each (text, file), in order. A large cold load (a big bank's first
    run, or a deleted cache) is spread over the CPUs: nearly all of its time is YAML parsing
    and compiling every rubric pattern for validation, file by file and independent."""
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers > 1 and sum(len(text) for text, _ in jobs) >= PARALLEL_BYTES:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(workers, initializer=_quiet_worker) as pool:
                return list(pool.map(_parse_job, jobs))
        except (OSError, BrokenProcessPool):
            pass  # no worker processes here (a sandbox, a frozen app): parse in this one
    return [parse_bank_text(text, file) for text, file in jobs]


def _parse_job(job: tuple[str, str]) -> tuple[Bank | None, list[tuple[str, int, str]]]:
    return parse_bank_text(*job)


def _quiet_worker() -> None:
    """Ctrl-C is the parent's to handle: a worker must not print a traceback of its own."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def load_banks_cached(files: Iterable[Path]) -> list[Bank]:
    cache_path = _cache_file()
    cached = _read_cache(cache_path)
    fresh: dict[str, _Entry] = {}
    # In file order: a bank from the cache, a file to parse, or why a file could not be read.
    found: list[Bank | _Parse | tuple[str, int, str]] = []
    changed = False
    for path in files:
        key = str(path.resolve())
        try:
            st = path.stat()
        except OSError as exc:
            found.append((str(path), 0, f"cannot read: {exc.strerror}"))
            continue
        entry = cached.get(key)
        if entry and entry.mtime_ns == st.st_mtime_ns and entry.size == st.st_size and entry.bank.file == str(path):
            fresh[key] = entry
            found.append(entry.bank)
            continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            found.append((str(path), 0, f"cannot read: {exc.strerror}"))
            continue
        import hashlib  # only when a file changed

        digest = hashlib.sha256(raw).hexdigest()
        changed = True
        if entry and entry.sha256 == digest and entry.bank.file == str(path):
            fresh[key] = _Entry(st.st_mtime_ns, st.st_size, digest, entry.bank)
            found.append(entry.bank)
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            found.append((str(path), 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        found.append(_Parse(key, st.st_mtime_ns, st.st_size, digest, text, str(path)))
    parsed = iter(parse_many([(job.text, job.file) for job in found if isinstance(job, _Parse)]))
    banks: list[Bank] = []
    faults: list[tuple[str, int, str]] = []
    for job in found:
        if isinstance(job, Bank):
            banks.append(job)
            continue
        if isinstance(job, tuple):
            faults.append(job)
            continue
        bank, bank_faults = next(parsed)
        faults += bank_faults
        if bank is not None and not bank_faults:
            fresh[job.key] = _Entry(job.mtime_ns, job.size, job.sha256, bank)
            banks.append(bank)
    faults += check_duplicates(banks)
    if faults:
        raise BankError(faults)
    if changed or fresh.keys() != cached.keys():
        _write_cache(cache_path, fresh)  # only what this run loaded: no stale banks slowing every start
    return banks


def load_catalog(extra: Iterable[str | os.PathLike[str]] = ()) -> Catalog:
    """Built-in banks, DRILL_BANKS and the given directories, through the cache."""
    return Catalog(load_banks_cached(bank_files(extra)))

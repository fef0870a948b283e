"""The bank index cache: parsed banks kept between runs, never stale.

Parsing YAML is the slowest part of start-up with large banks, so each clean file's parsed
``Bank`` is pickled in the user cache directory together with the file's mtime, size and
content hash. A file whose mtime or size changed is read again; if its hash is unchanged the
cached bank is reused, otherwise it is re-parsed. Faulty files are never cached, so their
faults are reported every time. The cache can be deleted at any time.
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

CACHE_FORMAT = 1


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


def load_banks_cached(files: Iterable[Path]) -> list[Bank]:
    cache_path = _cache_file()
    cached = _read_cache(cache_path)
    fresh: dict[str, _Entry] = {}
    banks: list[Bank] = []
    faults: list[tuple[str, int, str]] = []
    changed = False
    for path in files:
        key = str(path.resolve())
        try:
            st = path.stat()
        except OSError as exc:
            faults.append((str(path), 0, f"cannot read: {exc.strerror}"))
            continue
        entry = cached.get(key)
        if entry and entry.mtime_ns == st.st_mtime_ns and entry.size == st.st_size and entry.bank.file == str(path):
            fresh[key] = entry
            banks.append(entry.bank)
            continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            faults.append((str(path), 0, f"cannot read: {exc.strerror}"))
            continue
        import hashlib  # only when a file changed

        digest = hashlib.sha256(raw).hexdigest()
        changed = True
        if entry and entry.sha256 == digest and entry.bank.file == str(path):
            fresh[key] = _Entry(st.st_mtime_ns, st.st_size, digest, entry.bank)
            banks.append(entry.bank)
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            faults.append((str(path), 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        bank, bank_faults = parse_bank_text(text, str(path))
        faults += bank_faults
        if bank is not None and not bank_faults:
            fresh[key] = _Entry(st.st_mtime_ns, st.st_size, digest, bank)
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

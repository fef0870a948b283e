"""Progress that moves between machines: the review log as a CSV file.

The file (UTF-8, comma-separated, one review per line, header first)::

    card_id,reviewed_at,rating,duration_ms
    nlp/tfidf-ranking,2026-01-05T09:14:03.120000Z,3,41000

``card_id`` is the question id, ``reviewed_at`` an ISO 8601 time with its UTC offset (drill
writes UTC with ``Z``), ``rating`` 1-4 (Again, Hard, Good, Easy), ``duration_ms`` the answer
time in milliseconds. Columns may come in any order. A review is identified by card, time and
rating, so importing merges: reviews already in the store are skipped, and every card that
gained reviews has its FSRS state replayed from its whole log in time order. The card states
are not in the file: they follow from the log.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable

from drill.bank import BANK_RE, SLUG_RE
from drill.errors import DataFileError, InputError
from drill.store import LoggedReview, utc_now, utc_text

COLUMNS = ("card_id", "reviewed_at", "rating", "duration_ms")
CLOCK_SKEW = timedelta(days=1)  # how far ahead another machine's clock may run
MAX_FAULTS = 20  # a wrong file gets its first faults listed, not thousands of lines


@dataclass(frozen=True)
class Written:
    reviews: int
    cards: int


def log_csv(reviews: Iterable[LoggedReview]) -> tuple[str, Written]:
    """The log as the CSV text described above, and what it holds."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(COLUMNS)
    n, cards = 0, set()
    for r in reviews:
        out.writerow((r.question_id, utc_text(r.reviewed_at), r.rating, r.duration_ms))
        n += 1
        cards.add(r.question_id)
    return buffer.getvalue(), Written(n, len(cards))


def write_log(reviews: Iterable[LoggedReview], path: Path, *, force: bool = False) -> Written:
    """Write the log to ``path`` whole or not at all (a temporary file renamed into place);
    an existing file is kept unless ``force``."""
    from drill.export.files import refuse_existing, write_text_atomic

    refuse_existing([path], force)  # before reading the whole log
    text, written = log_csv(reviews)
    write_text_atomic(path, text, force=force)
    return written


def read_log(path: Path, now: datetime | None = None) -> list[LoggedReview]:
    """Every review in the file, or a DataFileError listing the faulty lines (then nothing
    may be imported: one bad row means the file is not what it claims to be). A review later
    than ``now`` (plus a day of clock difference between machines) is such a row: replayed, it
    would schedule the card from a day that has not come."""
    latest = (now or utc_now()) + CLOCK_SKEW
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text (a drill progress file is CSV)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    rows = csv.reader(io.StringIO(text, newline=""))
    name = str(path)
    try:
        header = next(rows, None)
    except csv.Error as exc:
        raise DataFileError([(name, 1, f"not CSV ({exc})")]) from None
    if header is None:
        raise DataFileError([(name, 1, f"empty file: the first line must be the header {','.join(COLUMNS)}")])
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        raise DataFileError([(name, 1, f"the header must name the columns {','.join(COLUMNS)}, got {header}")])
    where = {c: header.index(c) for c in COLUMNS}
    reviews: list[LoggedReview] = []
    faults: list[tuple[str, int, str]] = []
    end = rows.line_num
    while True:
        try:
            row = next(rows, None)
        except csv.Error as exc:  # a NUL byte, a field past csv's size limit
            faults.append((name, end + 1, f"not CSV ({exc})"))
            break
        if row is None:
            break
        line, end = end + 1, rows.line_num  # a quoted field may span lines: name the row's first
        if not row or all(not cell.strip() for cell in row):
            continue
        try:
            reviews.append(_review(row, where, len(header), latest))
        except ValueError as exc:
            faults.append((name, line, str(exc)))
            if len(faults) == MAX_FAULTS:
                faults.append((name, line, "too many faults: stopped here"))
                break
    if faults:
        raise DataFileError(faults)
    return reviews


def _review(row: list[str], where: dict[str, int], width: int, latest: datetime) -> LoggedReview:
    if len(row) != width:
        raise ValueError(f"expected {width} fields, got {len(row)}")
    card_id = row[where["card_id"]].strip()
    bank, _, slug = card_id.partition("/")
    if not (BANK_RE.match(bank) and SLUG_RE.match(slug)):
        raise ValueError(f"card_id {card_id!r} is not a question id (bank/slug)")
    at_text = row[where["reviewed_at"]].strip()
    try:
        at = datetime.fromisoformat(at_text)
    except ValueError:
        raise ValueError(f"reviewed_at {at_text!r} is not an ISO 8601 time (e.g. 2026-01-05T09:14:03Z)") from None
    if at.tzinfo is None:
        raise ValueError(f"reviewed_at {at_text!r} has no UTC offset (end it with Z for UTC)")
    if at > latest:
        raise ValueError(f"reviewed_at {at_text!r} is in the future (this machine's clock says "
                         f"{utc_text(latest - CLOCK_SKEW)})")
    rating = _integer(row[where["rating"]], "rating")
    if rating not in (1, 2, 3, 4):
        raise ValueError(f"rating must be 1, 2, 3 or 4, got {rating}")
    duration = _integer(row[where["duration_ms"]], "duration_ms")
    if duration < 0:
        raise ValueError(f"duration_ms must be >= 0, got {duration}")
    return LoggedReview(card_id, at, rating, duration)


def _integer(text: str, column: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{column} must be a whole number, got {text.strip()!r}") from None

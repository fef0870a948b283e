"""Question banks: the YAML format, its loader and its validation.

A bank file (format version 1) holds the questions of one book section::

    version: 1
    bank: nlp                       # short name; question ids become "<bank>/<id>"
    title: Natural language processing
    source: "Introduction to Machine Learning Interviews, 8.2.1"
    questions:
      - id: tfidf-ranking           # slug, stable forever: progress is keyed on it
        ref: 8.2.1-Q5-i             # section-Q<n>[-<roman part>]
        topic: [retrieval, tf-idf]  # one name or a list
        kind: exercise              # concept | exercise | choice | code
        prompt: "..."               # markdown
        answer: "..."               # the model answer, markdown
        rubric:                     # concept: key points, each hit when any pattern matches
          - {point: "...", match: ["regex", ...], weight: 1}
        misconceptions:             # wrong beliefs: matching one costs `penalty` and shows the correction
          - {match: ["regex"], correction: "...", penalty: 0.3}
        examples: {good: ["..."], bad: ["..."]}   # graded by the test suite
        hints: ["..."]
        pass: 0.6                   # pass threshold on the 0..1 score
        solver: tfidf               # exercise: the solver that computes the expected answer,
        inputs: {}                  #   its keyword arguments ({} = the book's example),
        expect: {field: top, as: ranking, k: 2}   # and which answer field to compare, as what
        choices: ["...", "..."]     # choice: options, lettered a), b), ...
        correct: b                  #   and the right letter
        code: backprop              # code: the task `drill check` runs the user's file against

Faults are collected, not raised one at a time, so `drill validate` can list every fault of every
file as ``FILE:LINE: message`` in one run.
"""

from __future__ import annotations

import functools
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from drill.errors import BankError

KINDS = ("concept", "exercise", "choice", "code")
ANSWER_TYPES = ("number", "label", "ranking", "set", "matrix", "bool")
CODE_TASKS = ("backprop", "dropout")
REF_RE = re.compile(r"^\d+(\.\d+)*-Q\d+(-[ivxlc]+)?$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
BANK_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

TOP_KEYS = {"version", "bank", "title", "source", "questions"}
QUESTION_KEYS = {
    "id", "ref", "topic", "kind", "prompt", "answer", "rubric", "misconceptions", "examples",
    "hints", "pass", "solver", "inputs", "expect", "choices", "correct", "code",
}
RUBRIC_KEYS = {"point", "match", "weight"}
MISCONCEPTION_KEYS = {"match", "correction", "penalty"}
EXPECT_KEYS = {"field", "as", "k", "tol", "aliases"}


@dataclass(frozen=True)
class RubricPoint:
    point: str
    match: tuple[str, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Misconception:
    match: tuple[str, ...]
    correction: str
    penalty: float = 0.3


@dataclass(frozen=True)
class Expect:
    """Which part of a solver's result is the expected answer, and how to compare it."""

    field: str
    as_: str
    k: int | None = None
    tol: float = 0.01
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Question:
    id: str  # "<bank>/<slug>"
    ref: str
    bank: str
    kind: str
    topics: tuple[str, ...]
    prompt: str
    answer: str
    rubric: tuple[RubricPoint, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    good_examples: tuple[str, ...] = ()
    bad_examples: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    pass_mark: float = 0.6
    solver: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    expect: Expect | None = None
    choices: tuple[str, ...] = ()
    correct: str | None = None
    code: str | None = None
    file: str = ""
    line: int = 0

    @property
    def slug(self) -> str:
        return self.id.split("/", 1)[1]

    @property
    def title(self) -> str:
        """The prompt's first paragraph on one line, for listings (a reflowed YAML block breaks
        its sentences across lines, so the first line alone stops mid-sentence)."""
        paragraph = self.prompt.strip().split("\n\n", 1)[0]
        return " ".join(paragraph.split())


@dataclass(frozen=True)
class Bank:
    name: str
    title: str
    source: str
    file: str
    questions: tuple[Question, ...]


# --- YAML with line numbers -------------------------------------------------------------

class _LineDict(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


@functools.lru_cache(maxsize=1)
def _line_loader() -> type:
    """A safe YAML loader (the C one when present) whose mappings carry line numbers.

    Built on first use so that commands served from the bank cache never import yaml."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN202 - yaml's signature
            mapping = _LineDict(super().construct_mapping(node, deep=True))
            mapping.line = node.start_mark.line + 1
            mapping.key_lines = {
                str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
            }
            return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, LineLoader.construct_mapping)
    return LineLoader


# --- loading and validation --------------------------------------------------------------


class _Faults:
    def __init__(self, file: str):
        self.file = file
        self.items: list[tuple[str, int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.items.append((self.file, line, message))


def _line(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, _LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return 0


def parse_bank_text(text: str, file: str) -> tuple[Bank | None, list[tuple[str, int, str]]]:
    """Parse one bank file's text into a Bank, collecting every fault instead of stopping."""
    import yaml

    faults = _Faults(file)
    try:
        data = yaml.load(text, Loader=_line_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        faults.add(mark.line + 1 if mark else 1, f"YAML syntax error: {problem}")
        return None, faults.items
    if not isinstance(data, dict):
        faults.add(1, "a bank must be a mapping with keys version, bank, title, questions")
        return None, faults.items
    for key in data:
        if key not in TOP_KEYS:
            faults.add(_line(data, key), f"unknown key '{key}' (expected one of {', '.join(sorted(TOP_KEYS))})")
    if data.get("version") != 1:
        faults.add(_line(data, "version"), f"unsupported version {data.get('version')!r} (expected 1)")
    name = data.get("bank")
    if not isinstance(name, str) or not BANK_RE.match(name):
        faults.add(_line(data, "bank"), "'bank' must be a short lowercase name like 'nlp'")
        name = "?"
    questions_data = data.get("questions")
    if not isinstance(questions_data, list) or not questions_data:
        faults.add(_line(data, "questions"), "'questions' must be a non-empty list")
        questions_data = []
    questions = []
    with warnings.catch_warnings():
        # A pattern Python reads now but flags as read differently later ("possible nested set")
        # is a fault to fix, not a warning printed on every command.
        warnings.simplefilter("error", FutureWarning)
        for item in questions_data:
            if not isinstance(item, dict):  # a scalar carries no line of its own: point at the list
                faults.add(_line(data, "questions"), f"each question must be a mapping, got {item!r}")
                continue
            q = _parse_question(item, name, file, faults)
            if q is not None:
                questions.append(q)
    bank = Bank(
        name=name,
        title=str(data.get("title") or name),
        source=str(data.get("source") or ""),
        file=file,
        questions=tuple(questions),
    )
    return bank, faults.items


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    return None


def _names(item: dict, key: str, qid: str, faults: _Faults) -> list[str]:
    """A text or a list of texts (topics, hints, choices); anything else is a fault."""
    value = item.get(key, [])
    names = _str_list(value)
    if names is None:
        faults.add(_line(item, key), f"{qid}: {key} must be a text or a list of texts")
        return []
    return names


def _entries(item: dict, key: str, qid: str, faults: _Faults) -> list[Any]:
    """A list of mappings (rubric, misconceptions); anything else is one fault, not one per character."""
    value = item.get(key) or []
    if not isinstance(value, list):
        faults.add(_line(item, key), f"{qid}: {key} must be a list of entries")
        return []
    return value


def _check_patterns(patterns: list[str], line: int, faults: _Faults, what: str) -> None:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            faults.add(line, f"{what} pattern {p!r} does not compile: {exc}")
        except FutureWarning as exc:
            faults.add(line, f"{what} pattern {p!r} is ambiguous: {exc} (escape a literal '[' as '\\[')")


def _positive(value: Any, default: float, line: int, faults: _Faults, what: str) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        faults.add(line, f"{what} must be a positive number, got {value!r}")
        return default
    return float(value)


def _parse_question(item: Any, bank: str, file: str, faults: _Faults) -> Question | None:
    line = _line(item)
    if not isinstance(item, dict):
        faults.add(line, "each question must be a mapping")
        return None
    for key in item:
        if key not in QUESTION_KEYS:
            faults.add(_line(item, key), f"unknown key '{key}'")
    slug = item.get("id")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        faults.add(line, f"question id {slug!r} must be a slug of lowercase letters, digits and dashes")
        return None
    qid = f"{bank}/{slug}"
    ref = item.get("ref")
    if not isinstance(ref, str) or not REF_RE.match(ref):
        faults.add(_line(item, "ref"), f"{qid}: ref {ref!r} must look like 8.2.1-Q5-i")
        ref = ""
    kind = item.get("kind", "concept")
    if kind not in KINDS:
        faults.add(_line(item, "kind"), f"{qid}: unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
        kind = "concept"
    for key in ("prompt", "answer"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            faults.add(_line(item, key), f"{qid}: missing {key}")
    topics = _names(item, "topic", qid, faults)
    hints = _names(item, "hints", qid, faults)
    if any(not h.strip() for h in hints):
        faults.add(_line(item, "hints"), f"{qid}: empty hint")

    rubric = []
    for r in _entries(item, "rubric", qid, faults):
        rl = _line(r) or _line(item, "rubric")
        if not isinstance(r, dict):
            faults.add(rl, f"{qid}: each rubric entry needs point and match")
            continue
        for key in r:
            if key not in RUBRIC_KEYS:
                faults.add(_line(r, key), f"{qid}: unknown rubric key '{key}'")
        patterns = _str_list(r.get("match"))
        if not r.get("point") or not patterns:
            faults.add(rl, f"{qid}: each rubric entry needs point and match")
            continue
        _check_patterns(patterns, _line(r, "match"), faults, f"{qid}: rubric")
        weight = _positive(r.get("weight"), 1.0, _line(r, "weight"), faults, f"{qid}: rubric weight")
        rubric.append(RubricPoint(str(r["point"]), tuple(patterns), weight))

    misconceptions = []
    for m in _entries(item, "misconceptions", qid, faults):
        ml = _line(m) or _line(item, "misconceptions")
        patterns = _str_list(m.get("match")) if isinstance(m, dict) else None
        if not patterns or not isinstance(m.get("correction"), str):
            faults.add(ml, f"{qid}: each misconception needs match and correction")
            continue
        for key in m:
            if key not in MISCONCEPTION_KEYS:
                faults.add(_line(m, key), f"{qid}: unknown misconception key '{key}'")
        _check_patterns(patterns, _line(m, "match"), faults, f"{qid}: misconception")
        penalty = _positive(m.get("penalty"), 0.3, _line(m, "penalty"), faults, f"{qid}: misconception penalty")
        misconceptions.append(Misconception(tuple(patterns), m["correction"], penalty))

    examples = item.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - {"good", "bad"}:
        faults.add(_line(item, "examples"), f"{qid}: examples must be a mapping with good and bad lists")
        examples = {}
    good = _str_list(examples.get("good", [])) or []
    bad = _str_list(examples.get("bad", [])) or []

    pass_mark = item.get("pass", 0.6)
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, (int, float)) or not 0 < pass_mark <= 1:
        faults.add(_line(item, "pass"), f"{qid}: pass must be a number in (0, 1], got {pass_mark!r}")
        pass_mark = 0.6

    expect = None
    solver = item.get("solver")
    inputs = item.get("inputs") or {}
    if kind == "concept" and not rubric:
        faults.add(line, f"{qid}: a concept question needs a rubric")
    if kind == "exercise":
        if not isinstance(solver, str):
            faults.add(line, f"{qid}: an exercise needs a solver")
        elif solver not in _solver_names():
            faults.add(_line(item, "solver"), f"{qid}: unknown solver {solver!r}")
        if not isinstance(inputs, dict):
            faults.add(_line(item, "inputs"), f"{qid}: inputs must be a mapping")
            inputs = {}
        expect = _parse_expect(item.get("expect"), qid, _line(item, "expect") or line, faults)
    elif solver is not None or "expect" in item:
        faults.add(_line(item, "solver") or line, f"{qid}: solver/expect belong to exercise questions")
    choices = _names(item, "choices", qid, faults)
    correct = item.get("correct")
    if kind == "choice":
        letters = [chr(ord("a") + i) for i in range(len(choices))]
        if len(choices) < 2:
            faults.add(line, f"{qid}: a choice question needs at least two choices")
        elif not isinstance(correct, str) or correct.lower() not in letters:
            faults.add(_line(item, "correct") or line, f"{qid}: correct must be one of {', '.join(letters)}")
    code = item.get("code")
    if kind == "code" and code not in CODE_TASKS:
        faults.add(_line(item, "code") or line, f"{qid}: code must name a task ({', '.join(CODE_TASKS)})")

    return Question(
        id=qid, ref=ref, bank=bank, kind=kind, topics=tuple(topics),
        prompt=str(item.get("prompt") or ""), answer=str(item.get("answer") or ""),
        rubric=tuple(rubric), misconceptions=tuple(misconceptions),
        good_examples=tuple(good), bad_examples=tuple(bad), hints=tuple(hints),
        pass_mark=float(pass_mark), solver=solver if isinstance(solver, str) else None,
        inputs=dict(inputs), expect=expect, choices=tuple(choices),
        correct=correct.lower() if isinstance(correct, str) else None,
        code=code if isinstance(code, str) else None, file=file, line=line,
    )


def _solver_names() -> dict:
    from solvers import REGISTRY  # only when parsing an exercise: cached loads never need it

    return REGISTRY


def _parse_expect(value: Any, qid: str, line: int, faults: _Faults) -> Expect | None:
    if not isinstance(value, dict) or not isinstance(value.get("field"), str):
        faults.add(line, f"{qid}: an exercise needs expect: {{field: ..., as: ...}}")
        return None
    for key in value:
        if key not in EXPECT_KEYS:
            faults.add(_line(value, key), f"{qid}: unknown expect key '{key}'")
    as_ = value.get("as", "number")
    if as_ not in ANSWER_TYPES:
        faults.add(_line(value, "as"), f"{qid}: expect.as must be one of {', '.join(ANSWER_TYPES)}")
        return None
    k = value.get("k")
    if k is not None and (not isinstance(k, int) or k < 1):
        faults.add(_line(value, "k"), f"{qid}: expect.k must be a positive integer")
        k = None
    tol = _positive(value.get("tol"), 0.01, _line(value, "tol"), faults, f"{qid}: expect.tol")
    aliases = value.get("aliases") or {}
    if not isinstance(aliases, dict):
        faults.add(_line(value, "aliases"), f"{qid}: expect.aliases must be a mapping")
        aliases = {}
    return Expect(value["field"], as_, k, tol, tuple((str(a), str(b)) for a, b in aliases.items()))


# --- where banks come from ---------------------------------------------------------------


def builtin_dir() -> Path:
    """The shipped banks: inside the wheel as drill/_banks, in a checkout as questions/."""
    here = Path(__file__).resolve().parent
    packaged = here / "_banks"
    return packaged if packaged.is_dir() else here.parent / "questions"


def bank_files(extra: Iterable[str | os.PathLike[str]] = (), *, builtin: bool = True) -> list[Path]:
    """Every bank file to load: built-ins and DRILL_BANKS entries (unless ``builtin`` is off,
    for validating only the given paths), then the ``extra`` files and directories."""
    sources: list[Path] = []
    if builtin:
        sources.append(builtin_dir())
        env = os.environ.get("DRILL_BANKS", "")
        sources += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    sources += [Path(p) for p in extra]
    # (file, its resolved path): resolving costs a system call per path component, so a
    # directory is resolved once and only symlinked files in it on their own; a start with a
    # bank of hundreds of files pays for that on every command.
    files: list[tuple[Path, str]] = []
    for src in sources:
        if src.is_dir():
            real = os.path.realpath(src)
            with os.scandir(src) as entries:
                found = [e for e in entries if e.name.endswith((".yaml", ".yml")) and e.is_file()]
            found.sort(key=lambda e: os.path.normcase(e.name))  # the order of the paths, cheaper
            files += [(src / e.name, os.path.realpath(e.path) if e.is_symlink() else os.path.join(real, e.name))
                      for e in found]
        elif src.is_file():
            files.append((src, os.path.realpath(src)))
        else:
            raise BankError([(str(src), 0, "no such bank file or directory")])
    seen: set[str] = set()
    unique = []
    for f, key in files:
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def read_bank_file(path: Path) -> tuple[Bank | None, list[tuple[str, int, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [(str(path), 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [(str(path), 0, f"cannot read: {exc.strerror}")]
    return parse_bank_text(text, str(path))


def check_duplicates(banks: Iterable[Bank]) -> list[tuple[str, int, str]]:
    """Ids and refs must be unique across every loaded bank: progress and look-ups key on them."""
    return duplicate_faults(q for bank in banks for q in bank.questions)


def duplicate_faults(questions: Iterable[Any]) -> list[tuple[str, int, str]]:
    """check_duplicates over anything with id, ref, file and line: the bank index checks its
    rows without unpickling a question."""
    faults = []
    ids: dict[str, Any] = {}
    refs: dict[str, Any] = {}
    for q in questions:
        if q.id in ids:
            first = ids[q.id]
            faults.append((q.file, q.line, f"duplicate id {q.id} (first at {first.file}:{first.line})"))
        else:
            ids[q.id] = q
        if q.ref and q.ref in refs:
            first = refs[q.ref]
            faults.append((q.file, q.line, f"duplicate ref {q.ref} (first at {first.file}:{first.line})"))
        elif q.ref:
            refs[q.ref] = q
    return faults


def read_banks(files: Iterable[Path]) -> tuple[list[Bank], list[tuple[str, int, str]]]:
    """Parse every file (no cache); the banks that parsed, and every fault including duplicates."""
    banks: list[Bank] = []
    faults: list[tuple[str, int, str]] = []
    for path in files:
        bank, bank_faults = read_bank_file(path)
        faults += bank_faults
        if bank is not None:
            banks.append(bank)
    return banks, faults + check_duplicates(banks)


def load_banks(files: Iterable[Path]) -> list[Bank]:
    """Load and validate the schema of every file; raise BankError listing every fault."""
    banks, faults = read_banks(files)
    if faults:
        raise BankError(faults)
    return banks

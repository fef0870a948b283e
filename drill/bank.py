"""Question banks: the YAML format, its loader and its validation.

A bank file holds the questions of one book section. In format version 1 every pattern is a
regex; in version 2 a pattern is a phrase unless it starts with ``re:`` (see drill.patterns)::

    version: 2
    bank: nlp                       # short name; question ids become "<bank>/<id>"
    title: Natural language processing
    source: "Introduction to Machine Learning Interviews, 8.2.1"
    questions:
      - id: tfidf-ranking           # slug, stable forever: progress is keyed on it
        ref: 8.2.1-Q5-i             # section-Q<n>[-<roman part>]
        topic: [retrieval, tf-idf]  # one name or a list
        kind: exercise              # concept | exercise | choice | code | card
        prompt: "..."               # markdown
        answer: "..."               # the model answer, markdown
        rubric:                     # concept: key points, each hit when any pattern is asserted
          - point: "..."
            match: ["regex", ...]
            weight: 1
            opposite: ["regex"]     # what contradicts the point: asserted, the point is not hit
            correction: "..."       # optional: an asserted opposite or a negated match is then a
            penalty: 0.3            #   misconception showing this correction, costing `penalty`
        misconceptions:             # wrong beliefs: asserting one costs `penalty` and shows the correction
          - {match: ["regex"], correction: "...", penalty: 0.3}
        examples:                   # graded by `drill validate` and the test suite:
          {good: [...], bad: [...], near: [...], partial: [...]}   # good passes, the others fail
        hints: ["..."]
        pass: 0.6                   # pass threshold on the 0..1 score
        solver: tfidf               # exercise: the solver that computes the expected answer,
        inputs: {}                  #   its keyword arguments ({} = the book's example),
        expect: {field: top, as: ranking, k: 2}   # and which answer field to compare, as what
        choices: ["...", "..."]     # choice: options, lettered a), b), ...
        correct: b                  #   and the right letter
        code: backprop              # code: the task `drill check` runs the user's file against
        see: ["drill solve kmeans"] # drill commands that work the question through, shown
                                    #   under the model answer (never inside it)
      - id: anki-3f9c2a7d10b4       # card: self-rated, as in Anki; ref optional (imported decks have none)
        kind: card
        front: "..."                # markdown, shown first
        back: "..."                 # markdown, revealed after the attempt; also topic and hints

Faults are collected, not raised one at a time, so `drill validate` can list every fault of every
file as ``FILE:LINE: message`` in one run.
"""

from __future__ import annotations

import functools
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from drill.errors import BankError

if TYPE_CHECKING:  # parsing patterns is needed only when a bank file is parsed, not to list the index
    from drill.patterns import Plan

KINDS = ("concept", "exercise", "choice", "code", "card")
ANSWER_TYPES = ("number", "label", "ranking", "set", "matrix", "bool")
CODE_TASKS = ("backprop", "dropout")
# \Z, not $: "$" also matches before a trailing newline, and an id "x\n" named an exported file.
REF_RE = re.compile(r"\A\d+(\.\d+)*-Q\d+(-[ivxlc]+)?\Z")
SLUG_RE = re.compile(r"\A[a-z0-9][a-z0-9-]*\Z")
BANK_RE = re.compile(r"\A[a-z0-9][a-z0-9-]*\Z")
MAX_BANK_BYTES = 64 * 2**20  # one bank file; the largest benchmark bank file is far below
SEE_RE = re.compile(r"\Adrill [a-z][a-z-]*(?: [\w./:,=@+-]+)*\Z")  # printable words only: shown as a command

TOP_KEYS = {"version", "bank", "title", "source", "questions"}
QUESTION_KEYS = {
    "id", "ref", "topic", "kind", "prompt", "answer", "rubric", "misconceptions", "examples",
    "hints", "pass", "solver", "inputs", "expect", "choices", "correct", "code", "see", "front", "back",
}
# A card has no grading: anything beyond these would be silently ignored, so it is a fault.
CARD_KEYS = {"id", "ref", "topic", "kind", "front", "back", "hints"}
RUBRIC_KEYS = {"point", "match", "weight", "opposite", "correction", "penalty"}
MISCONCEPTION_KEYS = {"match", "correction", "penalty"}
EXPECT_KEYS = {"field", "as", "k", "tol", "aliases"}
EXAMPLE_KINDS = ("good", "bad", "near", "partial")  # good answers must pass, the other kinds fail


@dataclass(frozen=True)
class RubricPoint:
    point: str
    match: tuple[str, ...]
    weight: float = 1.0
    opposite: tuple[str, ...] = ()  # patterns that contradict the point: asserted, no credit
    correction: str | None = None  # shown as a misconception when the answer contradicts the point
    penalty: float = 0.3
    lines: tuple[int, ...] = ()  # the bank line of each pattern of match, then of opposite
    # match then opposite, parsed and stemmed while the bank loads (see drill.patterns.Plan);
    # empty for a point built in code, whose plans are made on first use
    plans: tuple[Plan, ...] = field(default=(), compare=False, repr=False)
    # match then opposite as the bank wrote them (a phrase, not its regex): what --explain shows
    written: tuple[str, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Misconception:
    match: tuple[str, ...]
    correction: str
    penalty: float = 0.3
    lines: tuple[int, ...] = ()  # the bank line of each pattern
    plans: tuple[Plan, ...] = field(default=(), compare=False, repr=False)  # as RubricPoint.plans
    written: tuple[str, ...] = field(default=(), compare=False, repr=False)  # as RubricPoint.written


@dataclass(frozen=True)
class Example:
    """An answer the question's author graded in advance: ``good`` must pass, ``bad``, ``near``
    (right vocabulary, one central error) and ``partial`` must fail."""

    kind: str
    text: str
    line: int = 0


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
    examples: tuple[Example, ...] = ()
    hints: tuple[str, ...] = ()
    pass_mark: float = 0.6
    solver: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    expect: Expect | None = None
    choices: tuple[str, ...] = ()
    correct: str | None = None
    code: str | None = None
    see: tuple[str, ...] = ()  # drill commands to try, shown under the model answer
    file: str = ""
    line: int = 0

    @property
    def good_examples(self) -> tuple[str, ...]:
        return tuple(e.text for e in self.examples if e.kind == "good")

    @property
    def bad_examples(self) -> tuple[str, ...]:
        """Every example that must fail: bad, near and partial."""
        return tuple(e.text for e in self.examples if e.kind != "good")

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
    item_lines: dict[str, list[int]]  # per key holding a list: the line of each item


@functools.lru_cache(maxsize=1)
def _line_loader() -> type:
    """A safe YAML loader (the C one when present) whose mappings carry line numbers, and that
    refuses aliases (see drill.yamlsafe).

    Built on first use so that commands served from the bank cache never import yaml."""
    import yaml

    from drill.yamlsafe import no_alias_loader

    base = no_alias_loader()

    class LineLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN202 - yaml's signature
            seen: set[str] = set()
            for key, _ in node.value:  # YAML keeps the last of two equal keys, silently: a fault here
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key '{key.value}' (YAML would keep only the last)", key.start_mark)
                    seen.add(key.value)
            mapping = _LineDict(super().construct_mapping(node, deep=True))
            mapping.line = node.start_mark.line + 1
            mapping.key_lines = {
                str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
            }
            mapping.item_lines = {
                str(k.value): [i.start_mark.line + 1 for i in v.value]
                for k, v in node.value if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.SequenceNode)
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


def _load_yaml(text: str, faults: _Faults, what: str) -> tuple[bool, Any]:
    """The YAML document of a bank or examples file (with the lines of its keys and items), or
    False and the fault that stops it, at its line: too large, bad syntax, an alias, a key
    given twice."""
    import yaml

    if len(text) > MAX_BANK_BYTES:  # characters, at least as many bytes
        faults.add(0, f"{len(text):,} characters; {what} has at most {MAX_BANK_BYTES:,} bytes")
        return False, None
    try:
        return True, yaml.load(text, Loader=_line_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        kind = "YAML" if isinstance(exc, yaml.constructor.ConstructorError) else "YAML syntax error"
        faults.add(mark.line + 1 if mark else 1, f"{kind}: {problem}")
        return False, None


def parse_bank_text(text: str, file: str) -> tuple[Bank | None, list[tuple[str, int, str]]]:
    """Parse one bank file's text into a Bank, collecting every fault instead of stopping."""
    faults = _Faults(file)
    loaded, data = _load_yaml(text, faults, "a bank file")
    if not loaded:
        return None, faults.items
    if not isinstance(data, dict):
        faults.add(1, "a bank must be a mapping with keys version, bank, title, questions")
        return None, faults.items
    for key in data:
        if key not in TOP_KEYS:
            faults.add(_line(data, key), f"unknown key '{key}' (expected one of {', '.join(sorted(TOP_KEYS))})")
    version = data.get("version")
    if version not in (1, 2) or isinstance(version, bool):
        faults.add(_line(data, "version"), f"unsupported version {version!r} (expected 1 or 2)")
        version = 1
    name = data.get("bank")
    if not isinstance(name, str) or not BANK_RE.match(name):
        faults.add(_line(data, "bank"), "'bank' must be a short lowercase name like 'nlp'")
        name = "?"
    questions_data = data.get("questions")
    if not isinstance(questions_data, list) or not questions_data:
        faults.add(_line(data, "questions"), "'questions' must be a non-empty list")
        questions_data = []
    questions = []
    for item in questions_data:
        if not isinstance(item, dict):  # a scalar carries no line of its own: point at the list
            faults.add(_line(data, "questions"), f"each question must be a mapping, got {item!r}")
            continue
        q = _parse_question(item, name, file, faults, version)
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


def _patterns(entry: dict, key: str, version: int, faults: _Faults,
              what: str) -> tuple[list[str], list[int], list[str]]:
    """The regexes the grader will run for ``entry[key]``, the line of each and each as written;
    a pattern that must not run (see drill.patterns) is a fault at its own line and is left out,
    so validation can still grade the question's examples."""
    written = _str_list(entry.get(key, []))
    if written is None:
        faults.add(_line(entry, key), f"{what}: {key} must be a pattern or a list of patterns")
        return [], [], []
    from drill.patterns import problems, regex_source

    lines = getattr(entry, "item_lines", {}).get(key) or []
    sources, where, kept = [], [], []
    for i, pattern in enumerate(written):
        line = lines[i] if i < len(lines) else _line(entry, key)
        source = regex_source(pattern, version)
        trouble = problems(source) if source.strip() else ["is empty: it would match every answer"]
        if trouble:
            faults.add(line, f"{what} pattern {pattern!r} {trouble[0]}")
            continue
        sources.append(source)
        where.append(line)
        kept.append(pattern)
    return sources, where, kept


def _positive(value: Any, default: float, line: int, faults: _Faults, what: str) -> float:
    if value is None:
        return default
    try:
        number = math.nan if isinstance(value, bool) or not isinstance(value, (int, float)) else float(value)
    except OverflowError:  # an integer of hundreds of digits: no float holds it
        number = math.inf
    if not math.isfinite(number) or number <= 0:
        faults.add(line, f"{what} must be a positive number, got {value!r}")
        return default
    return number


def _parse_question(item: Any, bank: str, file: str, faults: _Faults, version: int = 1) -> Question | None:
    from drill.patterns import plan

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
    kind = item.get("kind", "concept")
    if kind not in KINDS:
        faults.add(_line(item, "kind"), f"{qid}: unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
        kind = "concept"
    ref = item.get("ref")
    if kind == "card" and ref is None:  # an imported deck has no book to point into
        ref = ""
    elif not isinstance(ref, str) or not REF_RE.match(ref):
        faults.add(_line(item, "ref"), f"{qid}: ref {ref!r} must look like 8.2.1-Q5-i")
        ref = ""
    text_keys = ("front", "back") if kind == "card" else ("prompt", "answer")
    for key in text_keys:
        if not isinstance(item.get(key), str) or not item[key].strip():
            faults.add(_line(item, key) or line, f"{qid}: missing {key}")
    if kind == "card":
        for key in item:
            if key not in CARD_KEYS and key in QUESTION_KEYS:
                faults.add(_line(item, key), f"{qid}: a card is self-rated and takes only "
                                             f"{', '.join(sorted(CARD_KEYS - {'id', 'kind'}))}, not '{key}'")
    else:
        for key in ("front", "back"):
            if key in item:
                faults.add(_line(item, key), f"{qid}: '{key}' belongs to cards (kind: card); use prompt and answer")
    topics = _names(item, "topic", qid, faults)
    hints = _names(item, "hints", qid, faults)
    if any(not h.strip() for h in hints):
        faults.add(_line(item, "hints"), f"{qid}: empty hint")
    see = _names(item, "see", qid, faults)
    for command in see:
        if not SEE_RE.match(command):
            faults.add(_line(item, "see"), f"{qid}: see entry {command!r} must be a drill command such as 'drill solve conv'")

    rubric = []
    for r in _entries(item, "rubric", qid, faults):
        rl = _line(r) or _line(item, "rubric")
        if not isinstance(r, dict):
            faults.add(rl, f"{qid}: each rubric entry needs point and match")
            continue
        for key in r:
            if key not in RUBRIC_KEYS:
                faults.add(_line(r, key), f"{qid}: unknown rubric key '{key}'")
        if not r.get("point") or not _str_list(r.get("match")):
            faults.add(rl, f"{qid}: each rubric entry needs point and match")
            continue
        patterns, lines, written = _patterns(r, "match", version, faults, f"{qid}: rubric")
        opposite, opposite_lines, opposite_written = _patterns(r, "opposite", version, faults, f"{qid}: opposite")
        correction = r.get("correction")
        if correction is not None and (not isinstance(correction, str) or not correction.strip()):
            faults.add(_line(r, "correction"), f"{qid}: correction must be a text")
            correction = None
        weight = _positive(r.get("weight"), 1.0, _line(r, "weight"), faults, f"{qid}: rubric weight")
        penalty = _positive(r.get("penalty"), 0.3, _line(r, "penalty"), faults, f"{qid}: rubric penalty")
        rubric.append(RubricPoint(str(r["point"]), tuple(patterns), weight, tuple(opposite), correction, penalty,
                                  tuple(lines + opposite_lines), tuple(map(plan, patterns + opposite)),
                                  tuple(written + opposite_written)))

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
        patterns, lines, written = _patterns(m, "match", version, faults, f"{qid}: misconception")
        penalty = _positive(m.get("penalty"), 0.3, _line(m, "penalty"), faults, f"{qid}: misconception penalty")
        misconceptions.append(Misconception(tuple(patterns), m["correction"], penalty, tuple(lines),
                                            tuple(map(plan, patterns)), tuple(written)))

    examples = _examples(item, qid, faults)

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
        elif isinstance(solver, str) and solver in _solver_names():
            inputs = _checked_inputs(solver, inputs, qid, _line(item, "inputs") or line, faults)
        expect = _parse_expect(item.get("expect"), qid, _line(item, "expect") or line, faults)
    elif kind != "card" and (solver is not None or "expect" in item):  # a card has had its one fault
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
        prompt=str(item.get(text_keys[0]) or ""), answer=str(item.get(text_keys[1]) or ""),
        rubric=tuple(rubric), misconceptions=tuple(misconceptions),
        examples=examples, hints=tuple(hints),
        pass_mark=float(pass_mark), solver=solver if isinstance(solver, str) else None,
        inputs=dict(inputs), expect=expect, choices=tuple(choices),
        correct=correct.lower() if isinstance(correct, str) else None,
        code=code if isinstance(code, str) else None, see=tuple(see), file=file, line=line,
    )


def _examples(item: dict, qid: str, faults: _Faults) -> tuple[Example, ...]:
    """The examples of a question, each with its own line so a disagreement points at it."""
    value = item.get("examples") or {}
    if not isinstance(value, dict) or set(value) - set(EXAMPLE_KINDS):
        faults.add(_line(item, "examples"),
                   f"{qid}: examples must be a mapping with lists {', '.join(EXAMPLE_KINDS)}")
        return ()
    out = []
    for kind in EXAMPLE_KINDS:
        texts = _str_list(value.get(kind, []))
        if texts is None:
            faults.add(_line(value, kind), f"{qid}: examples.{kind} must be a text or a list of texts")
            continue
        lines = getattr(value, "item_lines", {}).get(kind) or []
        for i, text in enumerate(texts):
            out.append(Example(kind, text, lines[i] if i < len(lines) else _line(value, kind)))
    return tuple(out)


def _checked_inputs(solver: str, inputs: dict, qid: str, line: int, faults: _Faults) -> dict:
    """The exercise's inputs if the solver takes them all with the declared types; otherwise
    each fault located at its key, and no inputs (nothing runs a solver on data it rejects)."""
    from solvers.inputs import input_faults

    found = input_faults(solver, inputs)
    for key, message in found:
        faults.add(_line(inputs, key) if key in inputs else line, f"{qid}: inputs: {message}")
    return {} if found else inputs


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
        try:  # is_dir() raises on some errors (a name too long for the file system)
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
        except OSError as exc:
            raise BankError([(str(src), 0, f"cannot read: {exc.strerror}")]) from None
    seen: set[str] = set()
    unique = []
    for f, key in files:
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _read_text(path: Path, what: str) -> tuple[str | None, list[tuple[str, int, str]]]:
    """The UTF-8 text of a bank or examples file, or the fault that stops it: too large (before
    reading a byte), not UTF-8, unreadable."""
    try:
        size = path.stat().st_size
        if size > MAX_BANK_BYTES:
            return None, [(str(path), 0, f"{size:,} bytes; {what} has at most {MAX_BANK_BYTES:,}")]
        return path.read_text(encoding="utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [(str(path), 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [(str(path), 0, f"cannot read: {exc.strerror}")]


def read_bank_file(path: Path) -> tuple[Bank | None, list[tuple[str, int, str]]]:
    text, faults = _read_text(path, "a bank file")
    return (None, faults) if text is None else parse_bank_text(text, str(path))


@dataclass(frozen=True)
class ExampleSet:
    """The examples an examples file gives one question, found by id or ref."""

    key: str
    line: int
    examples: tuple[Example, ...]


def parse_examples_text(text: str, file: str) -> tuple[list[ExampleSet], list[tuple[str, int, str]]]:
    """An examples file: answers graded against questions of the loaded banks, kept apart from
    the banks so a large corpus costs nothing when a bank is loaded. Its shape is a bank's, cut
    down to what examples need, so an ``examples:`` block moves between the two unchanged::

        questions:
          - id: nlp/tf-idf          # or its ref
            examples: {good: [...], near: [...], partial: [...], bad: [...]}
    """
    faults = _Faults(file)
    loaded, data = _load_yaml(text, faults, "an examples file")
    if not loaded:
        return [], faults.items
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        faults.add(_line(data), "an examples file must be a mapping with a list 'questions'")
        return [], faults.items
    for key in data:
        if key != "questions":
            faults.add(_line(data, key), f"unknown key '{key}' (an examples file has only 'questions')")
    sets = []
    for item in data["questions"]:
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str) or not key.strip():
            faults.add(_line(item) or _line(data, "questions"), "each entry needs the id (or ref) of a question")
            continue
        for name in item:
            if name not in ("id", "examples"):
                faults.add(_line(item, name), f"{key}: unknown key '{name}' (expected id and examples)")
        sets.append(ExampleSet(key, _line(item, "id"), _examples(item, key, faults)))
    return sets, faults.items


def example_files(paths: Iterable[Path]) -> list[Path]:
    """The examples files named: files as given, the YAML files of a directory in name order."""
    files: list[Path] = []
    for path in paths:
        try:
            if path.is_dir():
                files += sorted((p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()),
                                key=lambda p: os.path.normcase(p.name))
                continue
            if path.is_file():
                files.append(path)
                continue
        except OSError:
            pass
        raise BankError([(str(path), 0, "no such examples file or directory")])
    return files


def read_examples_file(path: Path) -> tuple[list[ExampleSet], list[tuple[str, int, str]]]:
    text, faults = _read_text(path, "an examples file")
    return ([], faults) if text is None else parse_examples_text(text, str(path))


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

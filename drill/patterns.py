"""Rubric patterns: from a bank's text to the regexes the grader runs, and every reason one
must not run.

A version 1 bank writes regexes. A version 2 bank writes **phrases**: words matched whole,
case-insensitively, with any run of spaces between them, each word also matched in its stemmed
form ("feature scaling" matches "features scaled"); a hyphen matches a hyphen, a space or
nothing ("soft-margin"), and ``...`` stands for up to six words ("gradient ... vanish"), none
of them "but", "however", "whereas", "although" or "though". A
pattern starting ``re:`` is a regex in either version.

Loading checks each pattern without compiling it: a control character (a ``\\b`` that YAML
double quotes turned into a backspace), a pattern that needs text across a boundary where the
answer is cut (". ", ";", ", and"), a pattern Python's parser rejects for any reason (a
syntax error, ``a{4294967296}``, 2,000 nested parentheses), an ambiguous set, and a repeat of
something that itself repeats without a small bound (``(\\w+\\s?)*x``, ``(a+)+``), which can
backtrack for minutes, are faults. The grader tries a pattern only when the answer holds one
of the texts every match must contain, and compiles it once, on first use: in ``re`` when its
backtracking on the text has a small bound known from its structure, otherwise in the
``regex`` module, run with a time budget per answer (``BUDGET``), so grading never hangs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any

BUDGET = 0.25  # seconds one pattern may spend on one answer before it is a bank fault
PHRASE_GAP = 6  # words that "..." in a phrase stands for, at most
# "..." does not reach past a contrast: "not applied ... test" must not join "not applied during
# training but at test time".
_NO_CONTRAST = r"(?!(?:but|however|whereas|although|though)\b)"
_WIDE = 10  # a repeat allowing more than this many copies counts as unbounded


# Signs whose decomposition is another sign plus a combining slash: dropping the slash, as for
# an accent, would turn "L2 ≠ weight decay" into "L2 = weight decay".
_NEGATED_SIGNS = str.maketrans({"≠": "!=", "≮": "!<", "≯": "!>", "≰": "!<=", "≱": "!>=", "∉": "!∈"})


def fold(text: str) -> str:
    """Case-fold and strip accents (NFKD, combining marks dropped)."""
    if text.isascii():
        return text.lower()  # the same, for the text of nearly every pattern and answer
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_NEGATED_SIGNS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# The tokens of a regex: escapes, [...] classes, {m,n} quantifiers and group syntax such as (?:
# or (?P<name> are kept as they are; only literal words and characters are folded and stemmed.
REGEX_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|\{[^}]*\}|\(\?P<[^>]*>|\(\?P=\w+\)|\(\?<[=!]|\(\?[:=!]|"
                         r"[^\W\d_]+|.", re.S)


def literal(token: str) -> bool:
    return not (token.startswith("\\") or token.startswith("[") or token.startswith("(?")
                or (token.startswith("{") and len(token) > 1))


@functools.lru_cache(maxsize=8192)
def fold_pattern(pattern: str) -> str:
    """Fold the literal text of a regex like the answer (case, accents), leaving its syntax
    alone: casefolding the whole pattern would turn ``\\S`` into ``\\s`` and ``\\B`` into ``\\b``."""
    return "".join(fold(t) if literal(t) else t for t in REGEX_TOKEN.findall(pattern))


def phrase(text: str) -> str:
    """The regex of a version 2 phrase (see the module docstring)."""
    parts = []
    for word in text.split():
        if word == "...":
            parts.append(None)
        else:
            parts.append("".join("[\\s-]?" if c == "-" else re.escape(c) for c in word))
    out = ""
    for i, part in enumerate(parts):
        if part is None:
            out += rf"(?:\s+{_NO_CONTRAST}\S+){{0,{PHRASE_GAP}}}" if out else ""
            continue
        out += (r"\s+" if out else "") + part
    if not out:
        return out
    head = r"\b" if re.match(r"\w", text.strip()) else ""
    tail = r"\b" if re.search(r"\w$", text.strip()) else ""
    return head + out + tail


def regex_source(pattern: str, version: int) -> str:
    """What the grader runs for a pattern as the bank wrote it."""
    if pattern.startswith("re:"):
        return pattern[3:].strip()
    return pattern if version == 1 else phrase(pattern)


@dataclass(frozen=True)
class Analysis:
    """What parsing a regex once tells: whether it may run, what a match must contain, and
    how much backtracking it can do."""

    fault: str | None = None
    cost: tuple[int, int, float] | None = None  # (k, w, c): at most c * n**k * m**w ways to try
    # per start in a text of n characters whose longest run without a space is m characters;
    # None when no such bound is known (run only with a timeout)
    # Every set of texts of which a match contains one, most selective first: a piece lacking
    # any one set cannot match.
    required: tuple[tuple[str, ...], ...] = ()

    @property
    def needles(self) -> tuple[str, ...] | None:
        """The most selective set of texts of which a match contains one (None: none known)."""
        return self.required[0] if self.required else None


def problems(source: str) -> list[str]:
    """Why a regex must not run; empty when it may. Never raises, whatever the text. Loading a
    bank calls it for every pattern; the parse it makes is the one the grader reuses
    (``analyse`` is cached per source, and most patterns fold to themselves)."""
    controls = sorted({c for c in source if unicodedata.category(c) == "Cc"})
    if controls:
        names = ", ".join(f"U+{ord(c):04X}" for c in controls)
        hint = " (a \\b in YAML double quotes is a backspace: use single quotes)" if "\b" in controls else ""
        return [f"contains the control character {names}{hint}"]
    found = analyse(source)
    if found.fault:
        return [found.fault]
    if found.needles and all(_ACROSS.search(fold(n)) for n in found.needles):
        return ["can never match: it needs a sentence end, a semicolon, a line break or a comma before "
                "and/or/but, and the answer is matched one part at a time (see drill.grading.polarity)"]
    return []


_ACROSS = re.compile(r"[.!?;]\s|[;\n]|,\s(?:and|or|nor|but|whereas|while)\b")


def _parse(source: str) -> list[Any] | str:
    """Python's parse tree of a regex (the parser alone: nothing is compiled), or the fault."""
    from re import _parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", FutureWarning)
            return _seq(_parser.parse(source, re.IGNORECASE))
    except FutureWarning as exc:
        return f"is ambiguous: {exc} (escape a literal '[' as '\\[')"
    except re.error as exc:
        return f"does not compile: {exc}"
    except RecursionError:
        return "is nested too deeply to compile"
    except (OverflowError, ValueError, MemoryError) as exc:
        return f"does not compile: {exc}"


def _seq(sub: Any) -> list[Any]:
    """The items of a parsed sequence: its list itself, without iterating item by item
    (``list()`` on the parser's SubPattern calls ``__getitem__`` once per item)."""
    return sub.data if hasattr(sub, "data") else list(sub)


_NESTED = ("repeats a part that itself repeats without a small bound, e.g. (\\w+\\s?)* or (a+)+: "
           "matching it can take minutes; bound the inner repeat or drop the outer one")


@functools.lru_cache(maxsize=65536)
def analyse(source: str) -> Analysis:
    """What parsing a regex tells (parsed once per process; a bank's patterns are analysed
    while it is loaded and the results travel with its questions, see ``Plan``)."""
    tree = _parse(source)
    if isinstance(tree, str):
        return Analysis(tree)
    try:
        if _nested_repeat(tree):
            return Analysis(_NESTED)
        required = sorted(_required_all(tree), key=_selectivity, reverse=True)
        return Analysis(None, _cost(tree, last=True), tuple(tuple(texts) for texts in required))
    except RecursionError:
        return Analysis("is nested too deeply to compile")


def _nested_repeat(items: list[Any], inside: bool = False) -> bool:
    from re import _constants as c

    for op, av in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            _lo, hi, sub = av
            wide = hi == c.MAXREPEAT or hi > _WIDE
            if wide and inside:
                return True
            if _nested_repeat(_seq(sub), inside or wide):
                return True
        elif op == c.SUBPATTERN:
            if _nested_repeat(_seq(av[-1]), inside):
                return True
        elif op == c.BRANCH:
            if any(_nested_repeat(_seq(alt), inside) for alt in av[1]):
                return True
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if _nested_repeat(_seq(av[1]), inside):
                return True
        elif op == c.ATOMIC_GROUP:
            if _nested_repeat(_seq(av), inside):
                return True
        elif op == c.GROUPREF_EXISTS:
            if any(_nested_repeat(_seq(b), inside) for b in av[1:] if b is not None):
                return True
    return False


def _required(items: list[Any]) -> list[str] | None:
    """For a sequence of parsed items: the best set of alternatives one of which must occur."""
    candidates = _required_all(items)
    return max(candidates, key=_selectivity) if candidates else None


def _selectivity(texts: list[str]) -> int:
    return min(len(text) for text in texts)


def _required_all(items: list[Any]) -> list[list[str]]:
    """For a sequence of parsed items: each set of alternatives one of which must occur (a
    literal run, a group, a part repeated at least once, an alternation of such sets)."""
    from re import _constants as c

    candidates: list[list[str]] = []
    run = ""
    for op, av in items:
        if op == c.LITERAL:
            run += chr(av)
            continue
        if op == c.AT:
            continue  # zero-width: the literals on either side stay adjacent
        if run:
            candidates.append([run])
            run = ""
        inner: list[str] | None = None
        if op == c.SUBPATTERN:
            inner = _required(_seq(av[-1]))
        elif op == c.ATOMIC_GROUP:
            inner = _required(_seq(av))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            inner = _required(_seq(av[2]))
        elif op == c.BRANCH:
            alternatives = [_required(_seq(alt)) for alt in av[1]]
            if all(alternatives):
                inner = [n for alt in alternatives for n in alt]  # type: ignore[union-attr]
        if inner:
            candidates.append(inner)
    if run:
        candidates.append([run])
    return candidates


_SINGLE = ("LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY")
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def _cost(items: list[Any], last: bool = False, after: tuple[Any, Any] | None = None) -> tuple[int, int, float] | None:
    """A bound on the ways a sequence can match from one start: (k, w, c) for c * n**k * m**w.
    Each repeat of one character multiplies the ways by its span (unbounded: by m for a class
    that never matches a space, by n otherwise), an alternation adds the ways of the branches
    that can match at one place together (see ``_branch``), an optional part adds one way, a
    lookaround is tried at each step. A repeat that ends the pattern (``last``), or that never
    matches a space and is followed by one (in the sequence, or ``after`` it when it ends a
    group), has one way that can succeed: it multiplies nothing. None: no bound."""
    k, w, c = 0, 0, 1.0
    final = next((i for i in range(len(items) - 1, -1, -1) if items[i][0].name != "AT"), -1)
    for i, (op, av) in enumerate(items):
        name = op.name
        if name in _SINGLE or name == "AT":
            continue
        at_end = last and i >= final
        then = next((item for item in items[i + 1:] if item[0].name != "AT"), after)
        if name == "SUBPATTERN":
            sub = _cost(_seq(av[-1]), at_end, then)
        elif name == "ATOMIC_GROUP":
            sub = _cost(_seq(av), at_end, then)
        elif name in ("ASSERT", "ASSERT_NOT"):
            sub = _cost(_seq(av[1]))
        elif name == "BRANCH":
            sub = _branch([_seq(alt) for alt in av[1]], at_end, then)
        elif name in _REPEATS:
            lo, hi, body = av
            body = _seq(body)
            while len(body) == 1 and body[0][0].name == "SUBPATTERN":  # a group only captures
                body = _seq(body[0][1][-1])
            looks = [item for item in body if item[0].name in ("ASSERT", "ASSERT_NOT")]
            rest = [item for item in body if item[0].name not in ("ASSERT", "ASSERT_NOT")]
            single = len(rest) == 1 and rest[0][0].name in _SINGLE
            if not single:
                # the body's end is followed by the part after the repeat only when it is taken once
                inner = _cost(body, at_end and hi == 1, then if hi == 1 else None)
                if inner is None or hi > _WIDE:
                    return None
                ways = float(hi - lo + 1) if inner[2] == 1 else sum(inner[2] ** j for j in range(lo, hi + 1))
                sub = (inner[0] * hi, inner[1] * hi, ways)
            else:
                # A "tempered" repeat such as (?:(?!x).){0,40} tries its lookarounds at each step,
                # which never backtrack; whitespace comes one character at a time in both views.
                look = _cost(looks)
                if look is None:
                    return None
                if (at_end or (then is not None and _spaceless(rest[0]) and _whitespace(then))) and not looks:
                    sub = (0, 0, 1.0)
                elif _whitespace(rest[0]):
                    sub = (look[0], look[1], 2.0 * look[2])
                elif hi == _MAXREPEAT:
                    spaceless = _spaceless(rest[0])
                    sub = (look[0] + (not spaceless), look[1] + spaceless, look[2])
                else:  # hi - lo + 1 ends to try the rest from, and each step's lookarounds tried once
                    sub = (look[0], look[1], float(hi - lo + 1) + (max(1, hi) * look[2] if looks else 0.0))
        else:  # back-references, conditionals: no bound known
            return None
        if sub is None:
            return None
        k, w, c = k + sub[0], w + sub[1], c * sub[2]
    return k, w, c


def _branch(alts: list[list[Any]], last: bool, after: tuple[Any, Any] | None) -> tuple[int, int, float] | None:
    """The ways of an alternation: only branches that can match at one place together add up.
    A branch that starts with literal ASCII text matches only where the text starts with it,
    so two branches match together only when one's literal start is a prefix of the other's
    ("learn" and "learning" may; "stride" and "step" never do, nor "16", "8" and "64")."""
    costs = [_cost(alt, last, after) for alt in alts]
    if any(cost is None for cost in costs):
        return None
    sums: dict[str, float] = {}
    for cost, alt in zip(costs, alts):
        head = _literal_head(alt)
        sums[head] = sums.get(head, 0.0) + cost[2]  # type: ignore[index]
    # In sorted order a head's prefixes come before it, and each stays on the chain until it:
    # the chain holds the prefixes of the current head, with their ways added up.
    together, chain = 0.0, []
    for head in sorted(sums):
        while chain and not head.startswith(chain[-1][0]):
            chain.pop()
        total = (chain[-1][1] if chain else 0.0) + sums[head]
        chain.append((head, total))
        together = max(together, total)
    return max(cost[0] for cost in costs), max(cost[1] for cost in costs), together  # type: ignore[index]


def _literal_head(items: list[Any]) -> str:
    """The ASCII text a sequence must start with, lower-cased ("" when it starts otherwise).
    Under IGNORECASE no character of a text matches two different ASCII letters."""
    head = []
    for op, av in items:
        name = op.name
        if name == "AT":
            continue
        if name != "LITERAL" or av > 0x7F:
            break
        head.append(chr(av).lower())
    return "".join(head)


def _whitespace(item: tuple[Any, Any]) -> bool:
    """A one-character item that only matches whitespace: \\s, a space, [ \\t]."""
    op, av = item
    if op.name == "LITERAL":
        return chr(av).isspace()
    if op.name == "CATEGORY":
        return av.name == "CATEGORY_SPACE"
    if op.name == "IN":
        return all((o.name == "LITERAL" and chr(a).isspace()) or (o.name == "CATEGORY" and a.name == "CATEGORY_SPACE")
                   for o, a in av)
    return False


def _spaceless(item: tuple[Any, Any]) -> bool:
    """A one-character item that never matches a space: \\w, \\d, a letter, [a-z0-9]."""
    op, av = item
    name = op.name
    if name == "LITERAL":
        return not chr(av).isspace()
    if name == "CATEGORY":
        return av.name in ("CATEGORY_WORD", "CATEGORY_DIGIT", "CATEGORY_NOT_SPACE")
    if name == "IN":
        return all(_spaceless(i) if i[0].name in ("LITERAL", "CATEGORY")
                   else i[0].name == "RANGE" and not any(chr(x).isspace() for x in range(i[1][0], min(i[1][1], 0x3000) + 1))
                   for i in av)
    return False


def _maxrepeat() -> int:
    from re import _constants

    return int(_constants.MAXREPEAT)


_MAXREPEAT = _maxrepeat()
RE_WAYS = 1e6  # a text and pattern whose bound stays below this run in `re`: fast to compile, no timeout needed


def within(cost: tuple[int, int, float] | None, length: int, longest: int) -> bool:
    """True when matching a regex of this ``cost`` (``Analysis.cost``) against ``length``
    characters, whose longest run without a space is ``longest``, has a small known bound, so
    Python's own engine may run it without a timeout."""
    return cost is not None and length * cost[2] * max(length, 1) ** cost[0] * max(longest, 1) ** cost[1] <= RE_WAYS


# --- what the grader runs for a pattern, prepared once ----------------------------------------


@functools.cache
def _stemmer() -> Any:
    from solvers.stem import english_stemmer

    return english_stemmer()


# British and American spellings meet: normalise -> normalize, regularisation -> regularization.
_ISE = re.compile(r"^(\w{3,})is(e|ed|es|ing|ation|ations|er|ers)$")


# Irregular verb forms Snowball leaves apart from their base: "goes up" should match "go up".
_IRREGULAR = {"goes": "go", "went": "go", "gone": "go", "does": "do", "did": "do", "done": "do",
              "has": "have", "had": "have", "grew": "grow", "grown": "grow", "fell": "fall", "fallen": "fall",
              "rose": "rise", "risen": "rise", "shrank": "shrink", "shrunk": "shrink"}


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball English stem of a folded word, with British -ise spellings made -ize and
    common irregular verb forms made their base."""
    return _stemmer().stemWord(_IRREGULAR.get(word) or _ISE.sub(r"\1iz\2", word))


_QUANTIFIER = re.compile(r"[?*+]|\{\d*,?\d*\}")
# The stemmed view drops apostrophes ("doesn't" reads "doesnt"), so a guard such as
# (?!...|n.t\b) or (?!...|n['’]t\b) would let a match run across a "doesn't" that stops it on the
# plain view. Inside a negative lookaround, such an "n't" is also read without its apostrophe;
# standing alone, it is the clitic of any of these verbs. (Elsewhere it stays as written: the
# plain view has the apostrophe, and the stemmed view, which drops punctuation, must not add
# matches there.)
_CLITIC_VERBS = r"\b(?:do|does|did|is|are|was|were|has|have|had|ca|wo|would|should|could|must|need)nt"
# What a pattern may spell between "n" and "t" to mean an apostrophe: ., ' or ’, or a class
# that holds one of them (['’], [o\W]).
_APOSTROPHE = re.compile(r"[.'’]|\[[^\]]*(?:['’]|\\x27|\\W)[^\]]*\]")


def _clitic_at(toks: list[str], k: int) -> int:
    """How many tokens from k spell a word ending in "n't" ("doesn.t", "can['’]t", "n.?t" alone)
    whose "t" ends it: 3 or 4 (with a "?" after the apostrophe), else 0. An "n" alone must not
    end a word the pattern spells before it."""
    tok = toks[k]
    if not (tok.isalpha() and tok[-1] in "nN") or (len(tok) == 1 and k > 0 and toks[k - 1].isalpha()):
        return 0
    if k + 1 >= len(toks) or not _APOSTROPHE.fullmatch(toks[k + 1]):
        return 0
    t = k + 3 if toks[k + 2:k + 3] == ["?"] else k + 2
    if toks[t:t + 1] != ["t"] or (t + 1 < len(toks) and toks[t + 1].isalpha()):
        return 0
    return t - k + 1


@functools.lru_cache(maxsize=8192)
def stem_pattern(pattern: str) -> str:
    """Stem the literal words of a regex so it can be matched against the stemmed view, without
    changing what it means. A quantifier after a word applies to its last letter, which stemming
    may remove: ``wins?`` stemmed letter by letter would be ``win?``, matching the "wi" of
    "with". A word ending in an optional letter is stemmed as both its words (``wins?`` ->
    ``win``); any other quantified word is left as written."""
    toks = REGEX_TOKEN.findall(pattern)
    out: list[str] = []
    guards: list[bool] = []  # per open group: is it a negative lookaround (a guard)?
    i = 0
    while i < len(toks):
        tok = toks[i]
        i += 1
        if tok.startswith("(") and not tok.startswith("(?P="):
            guards.append(tok in ("(?!", "(?<!"))
        elif tok == ")" and guards:
            guards.pop()
        elif any(guards) and (n := _clitic_at(toks, i - 1)):
            word, apostrophe = fold(tok)[:-1], toks[i]
            if word:  # "doesn.t" -> "doesn.?t"
                out.append(f"{word}n{apostrophe}?t")
            else:  # "n.t" alone -> "n.t" or a verb's "nt"
                out.append(f"(?:{''.join(toks[i - 1:i - 1 + n])}|{_CLITIC_VERBS})")
            i += n - 1
            continue
        if not tok.isalpha():
            out.append(fold(tok) if literal(tok) else tok)
            continue
        folded = fold(tok)
        nxt = toks[i] if i < len(toks) else ""
        if not folded.isalpha():
            out.append(folded)
        elif len(tok) > 1 and _QUANTIFIER.fullmatch(nxt):
            after = toks[i + 1] if i + 1 < len(toks) else ""
            if nxt == "?" and not (after.isalpha() or after in ("?", "+")):  # a word ending in an optional letter
                forms = dict.fromkeys((stem(folded[:-1]), stem(folded)))
                out.append(next(iter(forms)) if len(forms) == 1 else f"(?:{'|'.join(forms)})")
                i += 1  # the "?" is spent
            else:
                out.append(folded)
        else:
            out.append(stem(folded))
    return "".join(out)


@dataclass(frozen=True)
class Plan:
    """A pattern made ready to run: the regex for each view of an answer and what parsing each
    told. Building it parses and stems (a fraction of a millisecond per pattern, tens of
    milliseconds per question), so a bank builds its plans while it is loaded and the index
    keeps them with the questions: the first answer to a question compiles, nothing more."""

    pattern: str  # the regex the bank gives (a phrase's regex; `check --explain` shows the phrase)
    raw: str  # run on the plain view: the pattern with its literal text folded
    stem: str  # run on the stemmed view: its literal words stemmed
    raw_analysis: Analysis
    stem_analysis: Analysis


@functools.lru_cache(maxsize=65536)
def plan(pattern: str) -> Plan:
    """The plan of a regex (see ``Plan``); cached, for patterns built outside a bank."""
    raw = fold_pattern(pattern)
    raw_analysis = analyse(raw)
    if raw_analysis.fault:  # folding broke it (a rare case-folded escape): run it as written
        raw, raw_analysis = pattern, analyse(pattern)
    stemmed = stem_pattern(pattern)
    return Plan(pattern, raw, stemmed, raw_analysis, analyse(stemmed))


@functools.lru_cache(maxsize=None)
def compiled_re(source: str) -> Any:
    """Python's compiled form (None if it cannot be): for texts ``within`` allows."""
    try:
        return re.compile(source, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError, ValueError, MemoryError):
        return None


@functools.lru_cache(maxsize=None)
def compiled(source: str) -> Any:
    """The ``regex`` module's compiled form, made once per process (None if it cannot be):
    for the rest, run with a timeout."""
    import regex

    try:
        return regex.compile(source, regex.IGNORECASE)
    except (regex.error, RecursionError, OverflowError, ValueError, MemoryError):
        return None

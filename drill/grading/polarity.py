"""Where an answer's claims begin and end, and whether each is asserted, negated or reported.

Polarity is judged per clause and per list item, not per sentence, so one "no" in a list
("no multicollinearity, and normally distributed features") excuses nothing outside its item.
The plain view of an answer is cut at three strengths of boundary:

- hard: sentence ends, semicolons, line breaks that end a thought or start a bullet, and a
  comma before "and", "or", "but" (the last item of a list). A pattern never matches across
  one (each piece is searched on its own), so ``errors.{0,40}normal`` cannot join "constant
  variance of errors, and normally distributed features".
- clause: colons, "but", "however", "whereas", "while", "although", "therefore", "thus",
  "hence" and ", so". A pattern may match across one; it ends the reach of a negation and of a
  reporting phrase ("people think ...").
- item: commas, "and", "or", "nor" between list items, and the dashes and arrows of notes
  ("a - b -> c"). A pattern may match across one.

A match is **negated** when a negation word ("not", "no", "never", "without", "rather than",
"n't", the prefix "non-" of the word it is part of...) stands before it in its own item and
no new verb group ("can", "is", "which"...) starts between them, or when an earlier item of
the same clause, joined by commas, "or" or "nor", holds a negated verb ("need not", "don't",
"cannot", "without") that governs the items after it: short items (four words at most) with
no verb of their own and no contrast word ("only", "but", "rather") at their start, in a list
that "or"/"nor" closes ("features need not be normal, uncorrelated or scaled"). A negation in
a subordinate clause governs nothing after it ("if you don't scale, it zig-zags"). "No" is a determiner of its own item and governs nothing after it;
"and" joins a new claim ("hasn't improved for 5 epochs and restore the best checkpoint"). A
match is also negated when a predicate after it, in its own item and before any "so", "which"
or pronoun, dismisses it: "stability across seeds is irrelevant", "scaling is not needed", "the
order doesn't matter", "memory is no concern", "stability is not a useful check", "an
underfitting model tells you little"; and when "nor" joins its item
to the one before ("neither the features nor the target have to be normal"). A negation among
the matched words themselves, in the item where the match ends, negates it too, unless the
pattern spells a negation of that kind itself
(``Judge.verdict``). A match is **reported** when its clause attributes it to someone else
before it ("a common myth is that", "people often think", "it is wrong to say") or calls it so
right after it ("... is a myth"). Words such as "naive" or "assumes" report nothing: "Naive
Bayes assumes ..." is the answerer's own claim.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

ASSERTED, NEGATED, REPORTED = "asserted", "negated", "reported"

_ABBREV = r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\bcf)(?<!\bapprox)(?<!\.[a-z])"
_HARD = re.compile(_ABBREV + r"[.!?]+(?=\s|$)|[;\n]|,(?= (?:and|or|nor|but|whereas|while)\b)")
_CLAUSE = re.compile(r"\b(?:but|however|whereas|while|although|though|except|therefore|thus|hence)\b|:(?=\s|$)|,(?=\s+so\b)")
_ITEM = re.compile(r"\b(?:and|or|nor|as well as|plus)\b|&|,(?=\s)|\s[-–—]\s|->|→|=>")
_GOVERNS = re.compile(r"(?:\b(?:or|nor)\b|,)\s*$")  # what joins an item to a negated one before it
_OR = re.compile(r"\b(?:or|nor)\b")  # a negated list is a disjunction: "not A, B or C"
_NOR = re.compile(r"\bnor\b")  # joins an item it denies: "neither A nor B is needed"
_ITEM_WORDS = 4  # a governed list item is short: "uncorrelated", "or scaled", "normal features"
# An item that starts a contrast is the answerer's own claim ("not the features, only the errors").
_CONTRAST = re.compile(r"\s*(?:only|just|but|rather|instead|merely|solely|yet)\b")
# A negation inside a subordinate clause governs nothing after it ("if you don't scale, it zig-zags").
_SUBORDINATE = re.compile(r"\s*(?:if|when|whenever|unless|because|since|as|once|without|although|though|after|"
                          r"before|until|whether)\b")

# "not only", "no matter", "whether or not" and the like negate nothing.
_NOT_NEGATION = r"(?! only\b| just\b| merely\b| simply\b| matter\b| doubt\b| to mention\b)"
# "cannot simply average them" denies, as "can't simply" does; "cannot only" is rare.
_CANNOT = r"|(?<!\bor )(?<!\bif )\b(?:cannot|cant)\b(?! only\b)"
_NEGATION = re.compile(
    r"(?<!\bor )(?<!\bif )\b(?:not|never|no|nor|neither|none|nothing|nobody|without|instead of|rather than|"
    r"unrelated to|"
    r"lacks?|isnt|dont|doesnt|didnt|wont|arent|wasnt|werent|wouldnt|shouldnt|couldnt|hasnt|havent|neednt|"
    r"mustnt)\b" + _NOT_NEGATION + _CANNOT + r"|n['’]t\b|\bnon(?=-)"
)
# Spellings of a negation in a pattern's source that _NEGATION, written for text, does not
# read: the prefix of "non-?convex" or "(non)?linear", and "n't" as "n.t", "n.?t", "n['’]t".
_SPELLED = re.compile(r"\bnon\W|n(?:\\?[.'’]\??|\[[^\]]*\]\??)t\b")
# Inside a match these are values or list words, not denials ("noise: none vs high").
_VALUES = frozenset(("none", "nothing", "nobody", "neither", "nor"))
# These negate their object only: "without scaling the features the optimiser zig-zags".
_SHORT_REACH = frozenset(("without", "instead of", "rather than", "unrelated to", "lack", "lacks"))
# Negations that govern the verb-less items after them; "no" is a determiner of its own item.
_VERB_NEGATION = re.compile(
    r"(?<!\bor )(?<!\bif )\b(?:not|never|neither|nor|without|isnt|dont|doesnt|didnt|wont|arent|wasnt|"
    r"werent|wouldnt|shouldnt|couldnt|hasnt|havent|neednt|mustnt)\b" + _NOT_NEGATION + _CANNOT + r"|n['’]t\b"
)
# Words that start a new verb group: a negation before one of them does not reach past it.
_BREAK = frozenset("is are was were am be can could will would shall should must may might has have had do does "
                   "did which that who so then because since if when".split())
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|being|am|has|have|had|do|does|did|can|could|will|would|shall|should|may|"
    r"might|must|need|needs|needed|requires?|makes?|gets?|gives?|means|works?|helps?|causes?|uses?|it|they|this|"
    r"that|which|there)\b|['’](?:s|re|ll|ve|d)\b"
)
_REPORTED_BEFORE = re.compile(
    r"\b(?:myths?|misconceptions?|mistaken(?:ly)?|wrongly|falsely|erroneously|misguided|contrary to|"
    r"(?:it is|its|it's|it’s) (?:wrong|false|incorrect|untrue|a mistake|an error|tempting|a myth|naive)|"
    r"(?:(?:it is|its|it's|it’s) not|it isn['’]?t) (?:true|correct|the case) that|"
    r"(?<!than )(?:people|many|some|beginners|novices|students|others|folks|someone|somebody|one might|you might|they)"
    r"(?: \w+)? (?:think|thinks|believe|believes|say|says|claim|claims|assume|argue|argues|expect)|"
    r"(?:is|are) (?:often|commonly|sometimes|widely|wrongly|popularly|frequently) (?:said|believed|thought|claimed|assumed)|"
    r"(?:a )?(?:common|popular|frequent|widespread|classic) (?:mistake|error|belief|pitfall|trap|confusion|claim|slip))\b"
)
# What a dismissal calls its subject: "memory is not really the issue", "is no concern", "is not
# a useful check" deny that the subject matters, whatever adjectives sit between.
_SIZE = (r"big|real|major|serious|realistic|practical|significant|main|key|primary|limiting|actual|important|"
         r"relevant|central|genuine|huge|meaningful")
_TROUBLE = (r"(?:concern|problem|issue|risk|worry|bottleneck|limitation|drawback|downside|obstacle|constraint|"
            r"challenge)s?")
_WORTHY = (r"useful|good|reliable|meaningful|valid|sufficient|helpful|sensible|proper|practical|informative|"
           r"trustworthy|robust|necessary|required|needed|great|sound|appropriate")
_TOOL = (r"(?:check|test|signal|measure|metric|indicator|criterion|guide|proxy|sign|diagnostic|tool|way|approach|"
         r"idea|option|choice|fix|solution|remedy|step|heuristic|estimate|predictor|requirement|assumption|"
         r"condition|safeguard|default|formula|expression|equation|definition|description)s?")
# A predicate after the match that denies it matters: "stability across seeds is irrelevant",
# "scaling is not needed", "the order doesn't matter". Words and the gaps between them use
# disjoint classes, so a run of dashes or quotes ("----....") splits one way only, not in
# exponentially many.
_DISMISSED_AFTER = re.compile(
    r"^\W*+(?:(?!(?:so|which|that|because|since|then|it|they|this|these|if|when|but)\b)[\w'’-]+[^\w'’-]+){0,6}?(?:(?:is|are|was|were|seems?|becomes?|remains?)\s+(?:\w+ly\s+)?(?:irrelevant|unnecessary|"
    r"unneeded|useless|pointless|harmless|immaterial|negligible|optional|overkill|"
    r"(?:not|never|rarely|seldom) (?:really |actually |usually )?(?:needed|necessary|required|important|relevant|useful|"
    r"helpful|advisable|recommended|worth it|a good idea)|"
    r"no (?:" + _SIZE + r" )?" + _TROUBLE + r"|a waste of (?:time|compute|effort))|"
    r"(?:(?:is|are|was|were|seems?|becomes?|remains?) (?:not|never|no longer|hardly)|isnt|arent|wasnt|werent|"
    r"(?:is|are|was|were)n['’]t) (?:really |actually |usually |necessarily |generally )?"
    r"(?:(?:much of )?an?|the|any) (?:(?:" + _SIZE + r") ){0,2}" + _TROUBLE + r"|"
    r"(?:(?:is|are|was|were) (?:not|never)|isnt|arent|(?:is|are)n['’]t) (?:really |actually |necessarily )?"
    r"(?:an?|the) (?:" + _WORTHY + r") (?:\w+ )?" + _TOOL + r"|"
    r"(?:isnt|arent|isn['’]t|aren['’]t) (?:really |actually )?(?:needed|necessary|required|important|relevant|useful|"
    r"helpful|advisable|recommended)|"
    r"(?:only|just) (?:wastes?|costs?) (?:time|compute|effort)|(?:makes?|made) (?:no|little) (?:real |practical )?(?:difference|sense)|"
    r"(?:tells?|says?|reveals?|shows?) (?:you |us |one )?(?:very )?(?:little|nothing)|"
    r"(?:gives?|provides?|offers?) (?:you |us )?(?:no|little|nothing of) (?:real |useful )?(?:information|info|signal|insight)|"
    r"(?:is|are) (?:meaningless|not meaningful)|"
    r"(?:does|do)(?: not|n['’]t|nt) (?:really |actually )?(?:matter|help|need to be|have to be|work|apply)|"
    r"(?:does|do)(?: not|n['’]t|nt) (?:really |actually )?(?:affect|hurt|harm|slow|impact) (?:convergence|training|"
    r"the results?|results|accuracy|performance|anything|much)|"
    r"(?:is|are|was|were) (?:not|never) (?:really |actually )?(?:real|a real thing|a thing)|"
    r"(?:is|are|was|were) (?:not|never) (?:really |actually )?(?:something|anything) (?:\w+ ){0,3}?(?:deals? with|"
    r"handles?|fixes|addresses|solves|cares? about|to worry about|to handle|to fix)|"
    r"(?:makes?|made) (?:things|it|matters|the problem) worse|"
    r"(?:can|may) (?:safely )?be (?:ignored|skipped|omitted|dropped|left out)|"
    r"(?:has|have) no (?:effect|impact|influence|role)|(?:has|have) nothing to do with|"
    r"(?:is|are|was|were) (?:nothing to worry about|"
    r"not an option|unrelated to|not related to)|"
    r"(?:should|must|need|needs)(?: not|n['’]t|nt) (?:really )?(?:influence|matter|drive|be used|be considered)|"
    r"(?:does|do|did)(?: not|n['’]t|nt) (?:really |actually )?add (?:anything|much))\b"
)
# "X is a myth" reports X; "X, otherwise the standard errors are wrong" and "X are cheap but
# are wrong if the shape is wrong" assert it.
_REPORTED_AFTER = re.compile(
    r"^\W*(?:(?!(?:otherwise|else|but|however|whereas|while|although|though|except|yet)\b)\w+\W+){0,3}?(?:is|are|was|were|would be|sounds?) (?:simply |just |plainly |clearly )?(?:a |an )?(?:common |popular |widespread |classic )?"
    r"(?:myth|misconception|mistake|wrong|false|incorrect|not true|untrue|an error|a fallacy|fallacy)\b"
)


@dataclass(frozen=True)
class Segment:
    """A stretch of the plain view between two boundaries, and what it belongs to."""

    start: int
    end: int
    piece: int  # index of the hard piece (searched on its own)
    clause: int  # index of the clause (negations and reports reach no further)


def segments(plain: str) -> list[Segment]:
    """Cut the plain view at every boundary, in order; empty stretches are dropped."""
    cuts = [(m.start(), m.end(), "hard") for m in _HARD.finditer(plain)]
    cuts += [(m.start(), m.end(), "clause") for m in _CLAUSE.finditer(plain)]
    cuts += [(m.start(), m.end(), "item") for m in _ITEM.finditer(plain)]
    cuts.sort()
    out: list[Segment] = []
    pos, piece, clause = 0, 0, 0
    for start, end, kind in cuts:
        if start < pos:
            continue
        if plain[pos:start].strip():
            out.append(Segment(pos, start, piece, clause))
        pos = end
        if kind == "hard":
            piece += 1
            if plain[start:end].strip() != ",":
                clause += 1
        elif kind == "clause":
            clause += 1
    if plain[pos:].strip():
        out.append(Segment(pos, len(plain), piece, clause))
    return out


def pieces(plain: str) -> list[tuple[int, int]]:
    """The stretches between hard boundaries, as (start, end): each is searched on its own."""
    spans, pos = [], 0
    for m in _HARD.finditer(plain):
        if plain[pos:m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if plain[pos:].strip():
        spans.append((pos, len(plain)))
    return spans


class Judge:
    """Polarity verdicts for matches in one answer's plain view."""

    def __init__(self, plain: str):
        self.plain = plain
        self.segs = segments(plain)
        self._starts = [s.start for s in self.segs]
        self._clause_start: dict[int, int] = {}
        self._piece_end: dict[int, int] = {}
        for s in self.segs:
            self._clause_start.setdefault(s.clause, s.start)
            self._piece_end[s.piece] = s.end

    def _index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._starts, pos) - 1)

    def verdict(self, start: int, end: int, pattern: str | None = None) -> str:
        """Asserted, negated or reported, for the match of ``pattern`` at ``start:end``. A
        negation among the matched words themselves denies it too, unless the pattern spells
        a negation of that kind itself."""
        found = self._verdict(start, end)
        if found == ASSERTED and pattern is not None and self._negated_inside(start, end, spelled_negations(pattern)):
            return NEGATED
        return found

    def _verdict(self, start: int, end: int) -> str:
        if not self.segs:
            return ASSERTED
        i = self._index(start)
        seg = self.segs[i]
        clause_start, piece_end = self._clause_start[seg.clause], self._piece_end[seg.piece]
        if _REPORTED_BEFORE.search(self.plain[clause_start:start]) or _REPORTED_AFTER.search(self.plain[end:piece_end]):
            return REPORTED
        if any(_reaches(m.group(), self.plain[m.end():start]) for m in _NEGATION.finditer(self.plain, seg.start, start)):
            return NEGATED
        if self._after_nor(i) and _reaches("nor", self.plain[seg.start:start]):
            return NEGATED
        if _DISMISSED_AFTER.search(self.plain[end:self.segs[self._index(max(start, end - 1))].end]):
            return NEGATED
        own = self.plain[seg.start:seg.end]
        if _VERB.search(own) or len(own.split()) > _ITEM_WORDS or _CONTRAST.match(own):
            return ASSERTED
        for j in range(i - 1, -1, -1):
            prev, after = self.segs[j], self.segs[j + 1]
            if prev.clause != seg.clause or not _GOVERNS.search(self.plain[prev.end:after.start]):
                break
            text = self.plain[prev.start:prev.end]
            if _SUBORDINATE.match(text):
                break
            if _VERB_NEGATION.search(self.plain, prev.start, prev.end):
                return NEGATED if self._disjunction(j, i) else ASSERTED
            if _VERB.search(text) or _NEGATION.search(text) or _CONTRAST.match(text):
                break
        return ASSERTED

    def _after_nor(self, i: int) -> bool:
        """The item is joined to the one before it by "nor", which cuts it off as an item
        boundary but denies what follows: "neither the features nor the target have to be normal"."""
        if i == 0 or self.segs[i - 1].clause != self.segs[i].clause:
            return False
        return _NOR.search(self.plain, self.segs[i - 1].end, self.segs[i].start) is not None

    def _disjunction(self, first: int, at: int) -> bool:
        """The list that a negated verb in item ``first`` heads, through item ``at`` and the short
        items after it, is joined by "or"/"nor": "need not be normal, uncorrelated or scaled"
        denies each item; "doesn't saturate for x > 0, sparse, dying units" lists new claims."""
        k = first
        while k + 1 < len(self.segs):
            nxt = self.segs[k + 1]
            joiner = self.plain[self.segs[k].end:nxt.start]
            if nxt.clause != self.segs[first].clause or not _GOVERNS.search(joiner):
                return False
            k += 1
            own = self.plain[nxt.start:nxt.end]
            if k > at and (_VERB.search(own) or len(own.split()) > _ITEM_WORDS or _CONTRAST.match(own)):
                return False
            if _OR.search(joiner):
                return True
        return False

    def _negated_inside(self, start: int, end: int, spelled: frozenset[str]) -> bool:
        """A negation within the matched words that reaches the match's last word in its own
        item ("ReLU does not saturate" for ``relu.{0,60}saturat``): unless the pattern spells
        that negation itself, such a match says the opposite of what the pattern describes."""
        last = self.segs[self._index(max(start, end - 1))] if self.segs else None
        lo = max(start, last.start) if last else start
        return any(m.group() not in _VALUES and _family(m.group()) not in spelled
                   and _reaches(m.group(), self.plain[m.end():end])
                   for m in _NEGATION.finditer(self.plain, lo, end))

    def item_of(self, pos: int) -> int:
        """The index of the list item (segment) holding ``pos``: one claim of the answer."""
        return self._index(pos) if self.segs else -1

    def segment_span(self, start: int, end: int) -> tuple[int, int]:
        """The items holding a match, from the one where it starts to the one where it ends:
        the answer's own words, shown as the evidence for a verdict."""
        if not self.segs:
            return start, end
        first, last = self.segs[self._index(start)], self.segs[self._index(max(start, end - 1))]
        return min(first.start, start), max(last.end, end)


@functools.lru_cache(maxsize=8192)
def spelled_negations(pattern: str) -> frozenset[str]:
    """The kinds of negation the pattern spells itself ("no need to scale", "doesn.t matter", a
    guard such as ``(?!not)``): a negation of one of these kinds among its matched words is what
    it describes, not a denial of it. Kinds, not the whole pattern: "does not remove the need"
    is still a denial for ``adam removes the need|no need to clip``."""
    source = pattern.lower().replace("\\b", " ")
    kinds = {_family(m.group()) for m in _NEGATION.finditer(source)}
    kinds.update("non" if m.group().startswith("non") else "not" for m in _SPELLED.finditer(source))
    return frozenset(kinds)


def _family(negation: str) -> str:
    """The kind of a negation word: "n't", "cannot" and "isnt" are all "not"."""
    word = negation.strip()
    if word in ("no", "none", "nothing", "nobody"):
        return "no"
    if word == "lacks":
        return "lack"
    if word in ("never", "neither", "nor", "without", "lack", "instead of", "rather than", "unrelated to", "non"):
        return word
    return "not"


def _reaches(negation: str, between: str) -> bool:
    """A negation reaches a match unless a new verb group starts between them (the word right
    after the negation is the verb it negates: "does not need", "isn't needed"); "without",
    "instead of" and "rather than" reach only their object, three words at most; the prefix
    "non-" only the word it is part of."""
    words = between.split()
    if negation == "non":  # a prefix: "non-separable" denies "separable", nothing after it
        return len(words) <= 1
    if negation in _SHORT_REACH and len(words) > 3:
        return False
    return not any(w in _BREAK for w in words[1:])

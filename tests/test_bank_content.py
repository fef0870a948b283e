"""The shipped banks: complete, valid, and graded the way their authors intend.

For every concept question the model answer and each good example must pass, and each bad
example, the empty answer and an off-topic answer must fail. Run one bank with
``pytest tests/test_bank_content.py -k nlp``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drill.bank import bank_files, load_banks, read_examples_file
from drill.grading import grade
from drill.validate import validate_files

BOOK_REFS = {
    "8.1.2": "Q1 Q2 Q3 Q4-i Q4-ii Q5-i Q5-ii Q5-iii Q5-iv Q6-i Q6-ii Q6-iii Q7-i Q7-ii Q8-i Q8-ii Q9-i Q9-ii "
    "Q9-iii Q10-i Q10-ii Q11 Q12-i Q12-ii Q13-i Q13-ii Q14-i Q14-ii Q14-iii Q14-iv",
    "8.2.1": "Q1-i Q1-ii Q1-iii Q2 Q3 Q4-i Q4-ii Q4-iii Q5-i Q5-ii Q6 Q7 Q8 Q9 Q10 Q11 Q12 Q13 Q14 Q15",
    "8.2.2": "Q1 Q2-i Q2-ii Q3 Q4 Q5 Q6 Q7 Q8-i Q8-ii Q8-iii Q8-iv Q9 Q10 Q11 Q12",
    "8.3": "Q1 Q2 Q3-i Q3-ii Q4-i Q4-ii Q4-iii Q4-iv Q5 Q6-i Q6-ii Q7 Q8 Q9 Q10 Q11 Q12 Q13-i Q13-ii Q14 Q15 "
    "Q16 Q17-i Q17-ii Q18-i Q18-ii Q18-iii Q19 Q20-i Q20-ii Q21 Q22 Q23 Q24 Q25 Q26-i Q26-ii Q27-i Q27-ii "
    "Q27-iii Q28-i Q28-ii Q29 Q30",
}
BANK_OF_SECTION = {"8.1.2": "classical-ml", "8.2.1": "nlp", "8.2.2": "vision", "8.3": "training"}
CORPUS = Path(__file__).parent / "corpus"
OFF_TOPIC = "I had pasta for lunch and then walked the dog along the river before the rain started."


def _builtin_questions():
    try:
        banks = load_banks(bank_files())
    except Exception:  # reported by test_builtin_banks_are_valid
        return []
    return [q for b in banks for q in b.questions]


QUESTIONS = _builtin_questions()
CONCEPTS = [q for q in QUESTIONS if q.kind == "concept"]


def test_builtin_banks_and_their_grading_corpus_are_valid():
    """Every example, in the banks and in tests/corpus, is graded as its author said; validate
    reports each disagreement at its file and line."""
    corpus = sorted(CORPUS.glob("*.yaml"))
    report = validate_files(bank_files(), examples=corpus)
    assert report.faults == ()
    sets = [s for f in corpus for s in read_examples_file(f)[0]]
    assert report.examples == sum(len(s.examples) for s in sets) > 15_000
    assert {s.key for s in sets} <= {q.id for q in CONCEPTS}


@pytest.mark.parametrize("section", sorted(BOOK_REFS))
def test_every_book_question_is_in_its_bank(section):
    want = {f"{section}-{r}" for r in BOOK_REFS[section].split()}
    have = {q.ref for q in QUESTIONS if q.bank == BANK_OF_SECTION[section]}
    assert sorted(want - have) == []


@pytest.mark.parametrize("q", CONCEPTS, ids=lambda q: q.id)
def test_concept_grading_tells_good_from_bad(q):
    """Every example is graded by test_builtin_banks_and_their_grading_corpus_are_valid; here,
    the examples each question carries, the model answer and the answers that must never pass."""
    assert 3 <= len(q.rubric) <= 6, "3-6 key points"
    kinds = [e.kind for e in q.examples]
    assert kinds.count("good") >= 4 and kinds.count("near") >= 4 and kinds.count("partial") >= 2, \
        "at least 4 good answers, 4 near-misses and 2 partial answers"
    assert 1 <= len(q.hints) <= 3
    model = grade(q, q.answer)
    assert model.passed, f"model answer scores {model.score:.2f}; misses {model.misses}; wrong {model.misconceptions}"
    assert not grade(q, "").passed
    assert not grade(q, OFF_TOPIC).passed


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind != "concept"], ids=lambda q: q.id)
def test_non_concept_questions_have_hints_and_answers(q):
    assert 1 <= len(q.hints) <= 3
    assert q.answer.strip()

"""Taking questions elsewhere: the JSON shapes, Anki notes and a markdown study guide."""

from __future__ import annotations

from typing import Any

from drill.bank import Question


def question_summary(q: Question) -> dict[str, Any]:
    """The `drill list --json` record."""
    return {"id": q.id, "ref": q.ref, "bank": q.bank, "kind": q.kind, "topics": list(q.topics), "prompt": q.prompt}


def question_detail(q: Question) -> dict[str, Any]:
    """The `drill show --json` record."""
    out = question_summary(q)
    out["answer"] = q.answer
    out["rubric"] = [{"point": p.point, "weight": p.weight} for p in q.rubric]
    out["hints"] = list(q.hints)
    if q.kind == "choice":
        out["choices"] = list(q.choices)
    if q.kind == "exercise":
        out["solver"] = q.solver
        out["inputs"] = q.inputs
    return out

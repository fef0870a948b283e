"""The two front-ends of a practice session: an interactive terminal, and a pipe.

Both only read input and print; grading, timing and recording happen in drill.session.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Iterator, TextIO

from rich.console import Console, Group
from rich.text import Text

from drill.errors import InputError
from drill.ratings import RATINGS
from drill.session import Item, Session, Turn, iter_answers
from drill.store import utc_text
from drill.view.questions import Markdown, answer_block, feedback, question_panel, rating_prompt, self_rating_prompt
from drill.view.safe import data_text

COMMANDS = "Empty line submits · :hint · :skip · :quit"
CODE_COMMANDS = "A line --- submits · :hint · :skip · :quit"
CARD_COMMANDS = "Try to recall it (type it, or not); an empty line reveals the back · :hint · :skip · :quit"


def variant_note(item: Item) -> Group | None:
    if item.inputs is None:
        return None
    import yaml

    dump = yaml.safe_dump(item.inputs, sort_keys=False, allow_unicode=True, width=88).rstrip()
    return Group(
        Text(f"Fresh variant (seed {item.seed}): answer the same question for these inputs", style="bold magenta"),
        Markdown(f"```yaml\n{dump}\n```"),
    )


def _reveal(console: Console, turn: Turn) -> None:
    q = turn.item.question
    if q.kind != "card":  # a card is not graded: its back is all there is to show
        console.print(feedback(q, turn.grade))
    if turn.item.inputs is None:  # a variant's numbers differ from the model answer's
        console.print(answer_block(q, show_rubric=False, show_hints=False))
    else:
        console.print(Text("Worked solution of this variant", style="bold green"))
    if q.kind == "exercise":
        from drill.view.steps import worked_solution

        console.print(worked_solution(q, turn.item.inputs))


def _header(session: Session, item: Item, extra: str) -> str:
    parts = [f"{session.index + 1}/{len(session.items)}"]
    if item.seed is not None:
        parts.append(f"variant seed {item.seed}")
    if extra:
        parts.append(extra)
    return " · ".join(parts)


def _read_answer(read: Callable[[str], str], code: bool, console: Console, session: Session, *,
                 card: bool = False) -> str | None:
    """Lines until an empty line (code: until '---'; a card: an empty line at once reveals it);
    None means quit."""
    lines: list[str] = []
    while True:
        line = read("> " if not lines else "  ")
        cmd = line.strip()
        # :quit, :skip and :hint work on any line; an unknown :word only on the first, where it
        # cannot be part of an answer
        if cmd in (":quit", ":skip", ":hint") or not lines and cmd.startswith(":"):
            if cmd == ":quit":
                return None
            if cmd == ":skip":
                return ":skip"
            if cmd == ":hint":
                hint = session.hint()
                none = "No more hints." if session.hints else "No hints in an interview."
                console.print(data_text(f"Hint: {hint}" if hint else none, "yellow"))
                continue
            console.print(data_text(f"Unknown command {cmd}. {COMMANDS}", "yellow", one_line=True))
            continue
        if code and cmd == "---" or not code and cmd == "" and lines:
            return "\n".join(lines)
        if not code and cmd == "" and not lines:
            if card:
                return ""
            continue
        lines.append(line)


def clock_header(session: Session) -> str:
    left = session.time_left()
    if left is None:
        return ""
    return f"{int(left // 60):02d}:{int(left % 60):02d} left"


def run_terminal(session: Session, console: Console, read: Callable[[str], str] = input, *,
                 auto_rate: bool = False) -> None:
    """Ask, read, grade, reveal, confirm a rating; Ctrl-C, Ctrl-D or :quit ends the session.
    ``auto_rate`` accepts the proposed rating without asking (the mock interview)."""
    try:
        while (item := session.show()) is not None:
            q = item.question
            console.print(question_panel(q, header=_header(session, item, clock_header(session))))
            if q.kind == "concept":  # compile its patterns while the answer is typed
                import threading

                from drill.grading.concept import prepare

                threading.Thread(target=prepare, args=(q,), daemon=True).start()
            note = variant_note(item)
            if note:
                console.print(note)
            commands = {"code": CODE_COMMANDS, "card": CARD_COMMANDS}.get(q.kind, COMMANDS)
            console.print(Text(commands if session.hints else commands.replace(" · :hint", ""), style="dim"))
            text = _read_answer(read, q.kind == "code", console, session, card=q.kind == "card")
            if text is None:
                break
            turn = session.skip() if text == ":skip" else session.submit(text)
            _reveal(console, turn)
            if auto_rate:
                session.confirm()
                console.rule(style="dim")
                continue
            choices = None if turn.skipped else _choices(session)
            prompt = ("Skipped: rated Again. Enter: " if turn.skipped
                      else rating_prompt(turn.proposed, choices) if turn.proposed else self_rating_prompt(choices))
            while True:
                choice = read(prompt).strip()
                if choice == "" and turn.proposed or turn.skipped:
                    session.confirm()
                    break
                if choice in ("1", "2", "3", "4"):
                    session.confirm(int(choice))
                    break
                if choice == ":quit":
                    return
                console.print(Text("Press Enter, or 1-4." if turn.proposed else "Type 1-4.", style="yellow"))
            console.rule(style="dim")
    except (KeyboardInterrupt, EOFError):
        console.print()


def _choices(session: Session) -> str | None:
    """The ratings with their intervals (``1 Again 10m · 2 Hard 1d · ...``), when recorded."""
    intervals = session.intervals()
    if intervals is None:
        return None
    from drill.schedule import intervals_line

    return intervals_line(intervals)


def run_pipe(session: Session, stream: Iterable[str], console: Console, *, json_out: bool) -> None:
    """Answers from stdin, separated by '---'; proposed ratings accepted; plain or JSON lines.
    A card's attempt is followed by its rating, a line 1-4 ending at '---' like an answer."""
    answers = iter_answers(stream)
    while (item := session.show()) is not None:
        text = next(answers, None)
        if text is None or text.strip() == ":quit":
            break
        turn = session.skip() if text.strip() == ":skip" else session.submit(text)
        rating = session.confirm(_piped_rating(answers, item) if not turn.proposed and not turn.skipped else None)
        turn = session.turns[-1][0]  # a card's grade comes from its rating
        if json_out:
            record: dict[str, Any] = turn.grade.to_json(item.question)
            record["rating"] = rating
            if session.last_due is not None:
                record["due"] = utc_text(session.last_due)
            if item.seed is not None:
                record["seed"] = item.seed
            console.file.write(json.dumps(record, ensure_ascii=False) + "\n")
            console.file.flush()
            continue
        q = item.question
        console.print(data_text(f"[{session.index}/{len(session.items)}] {q.ref} {q.id}" +
                                (f" (variant seed {item.seed})" if item.seed is not None else ""), one_line=True))
        console.print(Markdown(q.prompt))
        note = variant_note(item)
        if note:
            console.print(note)
        _reveal(console, turn)
        console.print(f"Rating: {rating} ({RATINGS[rating]})", markup=False)
        console.rule()
        console.file.flush()


def _piped_rating(answers: Iterator[str], item: Item) -> int:
    text = next(answers, None)
    if text is None or text.strip() not in ("1", "2", "3", "4"):
        got = "the end of input" if text is None else repr(text.strip())
        raise InputError(f"{item.question.id} is a self-rated card: its attempt must be followed by a rating "
                         f"line 1-4 (Again, Hard, Good, Easy), got {got}")
    return int(text)


def print_summary(console: Console, session: Session) -> None:
    s = session.summary
    if not s.asked:
        console.print("No questions answered.")
        return
    ratings = ", ".join(f"{RATINGS[r]} {n}" for r, n in sorted(s.ratings.items()))
    console.print(Text(
        f"{s.asked} answered · {s.passed} passed · mean score {s.mean_score:.0%} · {s.seconds:.0f} s · {ratings}",
        style="bold",
    ))


def is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

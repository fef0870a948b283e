"""Rendering the status screen and the stats report."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from drill.stats import Stats, Status
from drill.view.safe import data_text

SHADES = " ░▒▓█"


def status_panel(st: Status, questions: int, banks: int) -> Panel:
    lines = Table.grid(padding=(0, 2))
    lines.add_column(style="bold")
    lines.add_column()
    lines.add_row("Due now", str(st.due_now))
    lines.add_row("New today", str(st.new_available))
    lines.add_row("Reviewed today", str(st.reviewed_today))
    lines.add_row("Streak", f"{st.streak} day{'s' if st.streak != 1 else ''}")
    lines.add_row("Next due", st.next_due.astimezone().strftime("%Y-%m-%d %H:%M") if st.next_due else "-")
    if st.due_now or st.new_available:
        nxt = "drill review"
    else:  # nothing scheduled today: practise ahead, or rehearse under time pressure
        nxt = "drill quiz -n 5   or   drill interview --minutes 20"
    tips = Text.assemble(
        ("Next: ", "bold"), (nxt, "bold cyan"),
        "\nAlso: drill list · drill solve tfidf · drill stats · drill --help",
    )
    if st.orphans:
        tips.append(f"\n{st.orphans} card(s) of questions not loaded now (removed, or a bank not on the path): "
                    "see drill stats")
    return Panel(Group(lines, Text(""), tips), title=f"drill · {questions} questions in {banks} banks",
                 title_align="left", border_style="cyan")


def heatmap(per_day: list[dict], weeks: int, today: date) -> Table:
    counts = {r["day"]: r["reviews"] for r in per_day}
    top = max(counts.values(), default=0)
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    grid = Table.grid(padding=(0, 0))
    grid.add_column(width=4)
    for _ in range(weeks):
        grid.add_column(width=2)
    for wd, name in enumerate(["Mon", "", "Wed", "", "Fri", "", "Sun"]):
        cells = []
        for w in range(weeks):
            d = start + timedelta(weeks=w, days=wd)
            n = counts.get(d.isoformat(), 0)
            if d > today:
                cells.append(" ")
            else:
                level = 0 if n == 0 else 1 + min(3, int(3 * n / top)) if top else 0
                cells.append(Text(SHADES[level] * 2 if level else "· ", style="green" if level else "dim"))
        grid.add_row(name, *cells)
    return grid


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def stats_view(s: Stats, weeks: int, now: datetime) -> Group:
    head = Text.assemble(
        ("Reviews ", "bold"), f"{s.reviews_total} total, {s.reviewed_today} today · ",
        ("Due ", "bold"), f"{s.due_now} · ", ("New ", "bold"), f"{s.new_available} · ",
        ("Retention ", "bold"), _pct(s.retention), " · ", ("Streak ", "bold"), f"{s.streak} · ",
        ("Time ", "bold"), f"{s.seconds_total / 60:.0f} min in {weeks} weeks",
    )
    parts: list = [head, Text(""), Text(f"Reviews per day, last {weeks} weeks", style="bold"),
                   heatmap(s.per_day, weeks, date.fromisoformat(s.forecast[0]["day"]) if s.forecast else now.date())]
    for title, rows in (("Retention by topic (weakest first)", s.by_topic), ("Retention by bank", s.by_bank)):
        parts.append(Text(""))
        t = Table(title=title, title_justify="left", header_style="bold")
        t.add_column("name")
        t.add_column("retention", justify="right")
        t.add_column("reviews", justify="right")
        for r in rows[:12]:
            t.add_row(data_text(r["name"], one_line=True), _pct(r["retention"]), str(r["reviews"]))
        if not rows:
            t.add_row("(no reviews of mature cards yet)", "", "")
        parts.append(t)
    first = s.forecast[0]["day"] if s.forecast else ""
    f = Table(header_style="bold", box=None, pad_edge=False)
    for r in s.forecast:
        f.add_column(r["day"][8:], justify="right")
    f.add_row(*(str(r["due"]) for r in s.forecast))
    parts += [Text(""), Text(f"Due in the next 14 days (by day of the month, from {first})", style="bold"), f]
    if s.orphans:
        parts.append(data_text(f"Cards of questions not loaded now ({len(s.orphans)}): " + ", ".join(s.orphans[:10]) +
                               ("..." if len(s.orphans) > 10 else "") +
                               "\nTheir bank may just be off the path (--bank-dir, DRILL_BANKS, bank_dirs in "
                               "config.toml); if the question is gone, `drill forget ID` drops its card.", "yellow"))
    return Group(*parts)

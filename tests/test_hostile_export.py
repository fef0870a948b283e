"""Issue 15, cases 2 and 7: a hostile bank exported to Anki or markdown carries no executable
HTML; exports never overwrite silently, never leave half a file, never follow a dangling link."""

from __future__ import annotations

import csv
import io
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from drill.cli import app
from drill.export.render import html_from_markdown, inert_markdown

runner = CliRunner()

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '<details open ontoggle="alert(1)">',
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
]
PAYLOAD = "\n\n".join(ATTACKS)
SAFE_TAGS = {"p", "code", "pre", "em", "strong", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li",
             "a", "img", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "small"}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


HOSTILE_BANK = f"""version: 1
bank: evil
title: {_quoted("<script>alert('title')</script>")}
source: {_quoted("<img src=x onerror=alert(2)>")}
questions:
  - id: concept
    ref: 7.7-Q1
    topic: [{_quoted("<script>t</script>")}, {_quoted("a b<svg onload=x>")}]
    kind: concept
    prompt: {_quoted(PAYLOAD)}
    answer: {_quoted(PAYLOAD + chr(10) * 2 + "```" + chr(10) + "<script>shown as code</script>" + chr(10) + "```")}
    rubric:
      - point: {_quoted("<iframe src=x></iframe> point")}
        match: ['gradient']
  - id: words
    ref: 7.7-Q2
    topic: [strings]
    kind: exercise
    prompt: "Distance?"
    answer: {_quoted(PAYLOAD)}
    solver: levenshtein
    inputs: {{word1: {_quoted("<svg/onload=alert(1)>")}, word2: {_quoted("<img src=x onerror=y>")}}}
    expect: {{field: distance, as: number}}
  - id: pick
    ref: 7.7-Q3
    topic: [choices]
    kind: choice
    prompt: "Pick"
    answer: "b"
    choices: [{_quoted("<script>c</script>")}, {_quoted("[x](javascript:alert(1))")}]
    correct: b
"""


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag not in SAFE_TAGS:
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            target = "".join((value or "").split()).lower()
            if name.startswith("on") or target.startswith(("javascript:", "vbscript:", "data:text")):
                self.bad.append(f"<{tag} {name}={value!r}>")


def executable(html: str) -> list[str]:
    """Every tag, event handler or script link a web view would act on."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.bad


@pytest.fixture
def evil(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "evil.yaml"
    path.write_text(HOSTILE_BANK, encoding="utf-8")
    monkeypatch.setenv("DRILL_BANKS", str(path))
    return path


def test_the_checker_sees_every_attack():
    permissive = MarkdownIt("commonmark")  # raw HTML on: what the exports used to write
    found = executable(permissive.render(PAYLOAD))
    assert len(found) >= 7, found
    assert executable(html_from_markdown(PAYLOAD)) == []


def test_anki_export_carries_no_executable_html(evil, tmp_path):
    out = tmp_path / "evil.txt"
    result = runner.invoke(app, ["export", "anki", "--bank", "evil", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    body = "\n".join(line for line in text.split("\n") if not line.startswith("#"))
    rows = list(csv.reader(io.StringIO(body), delimiter="\t"))
    assert len(rows) == 3
    for row in rows:
        for field in row:
            assert executable(field) == [], (row[0], field)
    concept = rows[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in concept[1]  # shown as text, not dropped
    assert "&lt;iframe src=x&gt;&lt;/iframe&gt; point" in concept[2]
    assert "&lt;script&gt;shown as code&lt;/script&gt;" in concept[2]


def test_markdown_guide_carries_no_executable_html(evil, tmp_path):
    result = runner.invoke(app, ["export", "markdown", "--bank", "evil", "-o", str(tmp_path / "guide")])
    assert result.exit_code == 0, result.output
    md = (tmp_path / "guide" / "evil.md").read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark").enable("table").render(md)  # a viewer that allows raw HTML
    assert executable(rendered) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # the text is still there to read
    assert "unsafe-javascript:alert(1)" in md  # a viewer without a link check gets no script link


def test_markdown_without_raw_html_is_kept_as_written():
    clean = "Use `x < 0` and **bold**:\n\n```python\nif a < b:\n    pass\n```\n\n[docs](https://example.org)"
    assert inert_markdown(clean) == clean


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["<script>x</script>", "`", "``", "```", "~~~", "\n", "    ", "> ", "- ",
                                 "<img src=x onerror=y>", "a", " ", "[l](javascript:x)", "\\", "<!--", "-->"]),
                max_size=30))
def test_inert_markdown_never_leaves_a_tag(parts):
    md = inert_markdown("".join(parts))
    assert executable(MarkdownIt("commonmark").render(md)) == []


def test_export_refuses_to_overwrite_without_force(mini_banks, tmp_path):
    out = tmp_path / "notes.txt"
    out.write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["export", "anki", "--bank", "mini", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"drill: {out} already exists; not overwritten (--force replaces it)\n"
    assert out.read_text(encoding="utf-8") == "mine"
    result = runner.invoke(app, ["export", "anki", "--bank", "mini", "-o", str(out), "--force"])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("#separator:tab")

    guide = tmp_path / "guide"
    guide.mkdir()
    (guide / "mini.md").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["export", "markdown", "--bank", "mini", "-o", str(guide)])
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert (guide / "mini.md").read_text(encoding="utf-8") == "mine"
    result = runner.invoke(app, ["export", "markdown", "--bank", "mini", "-o", str(guide), "--force"])
    assert result.exit_code == 0 and (guide / "mini.md").read_text(encoding="utf-8").startswith("# ")


def test_a_failed_write_leaves_nothing(mini_banks, tmp_path, monkeypatch):
    def disk_full(src, dst):  # noqa: ANN001, ANN202
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    out = tmp_path / "notes.txt"
    result = runner.invoke(app, ["export", "anki", "--bank", "mini", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"drill: {out}: cannot write (No space left on device)\n"
    assert not out.exists()
    assert not any(p.name.endswith(".part") for p in tmp_path.iterdir())
    result = runner.invoke(app, ["new", "bank", "mine", "--dir", str(tmp_path / "banks")])
    assert result.exit_code == 2
    assert list((tmp_path / "banks").iterdir()) == []  # no 0-byte bank blocking a retry
    monkeypatch.undo()
    assert runner.invoke(app, ["new", "bank", "mine", "--dir", str(tmp_path / "banks")]).exit_code == 0


def test_new_bank_does_not_follow_a_dangling_symlink(tmp_path):
    folder = tmp_path / "banks"
    folder.mkdir()
    target = tmp_path / "elsewhere.yaml"
    (folder / "mine.yaml").symlink_to(target)
    result = runner.invoke(app, ["new", "bank", "mine", "--dir", str(folder)])
    assert result.exit_code == 2
    assert result.stderr == f"drill: {folder / 'mine.yaml'} already exists; not overwritten\n"
    assert not target.exists()

"""Prompts without markdown syntax are drawn without rich.markdown (its import costs more than
loading the bank before the first card), and must look exactly as rich's markdown draws them."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.markdown import Markdown as RichMarkdown
from rich.panel import Panel

from drill.bank import bank_files, read_banks
from drill.view.questions import Markdown

TRICKY = [
    "a\n\n\nb", "  lead\n   more  x\n\n \n tail", "é — ‘quoted’ (x) 50% / y: z?", "a\u00a0\nb", "x\n \n\n  \ny",
    "One line.", "a\nb\nc", "**bold** and *em*", "- item\n- item", "1. first\n2) second", "a  \nhard break",
    "    indented code", "`code`", "a_b_c", "Title\n=====", "Title\n---", "> quote", "# heading", "a | b\n--|--\n1 | 2",
    "x &amp; y", "<b>html</b>", "[bracketed]", "~~gone~~", "back\\slash", "+ plus list", "10.5 is a number",
    "3) not a list?", "tab\there", "",
]


def texts() -> list[str]:
    banks, _ = read_banks(bank_files())
    return [t for b in banks for q in b.questions for t in (q.prompt, q.answer, *q.hints)] + TRICKY


def render(renderable, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system="truecolor")
    console.print(Panel(renderable))
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.file.getvalue().split("\n"))


@pytest.mark.parametrize("width", [24, 80])
def test_every_bank_text_looks_as_rich_markdown_draws_it(width):
    different = [t for t in texts() if render(Markdown(t), width) != render(RichMarkdown(t), width)]
    assert different == []

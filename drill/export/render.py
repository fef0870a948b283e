"""Bank text as HTML and markdown that show it and never run it, for every export.

A bank written by someone else may hold ``<script>``, ``<img onerror=...>``, ``<iframe>``,
``<svg onload>`` or ``javascript:`` links, and Anki shows its fields in a web view. So:

- markdown becomes HTML with raw HTML off (markdown-it ``html=False`` writes a tag as the
  text ``&lt;script&gt;``) and markdown-it's link check, which refuses ``javascript:``,
  ``vbscript:``, ``file:`` and ``data:`` targets (``html_from_markdown``);
- plain-text fields (ids, topics, key points, choices) are escaped for the format they go
  into: ``escape_html`` for HTML, ``escape_markdown`` for markdown;
- markdown written out as markdown (the study guide) keeps its formatting but not its raw
  HTML (``inert_markdown``), and script URL schemes are renamed, so a viewer without a link
  check makes no script link.

Every export, present and future, renders through these functions.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|!])")
# "data:" only before a media type: "training data: 80%" is prose, "data:text/html,..." a URL.
_SCRIPT_SCHEME = re.compile(r"(?<![\w+.-])(javascript|vbscript|livescript|data(?=\s*:\s*[\w.+-]+/))(\s*):", re.I)


@functools.lru_cache(maxsize=1)
def _markdown_it() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def html_from_markdown(markdown: str) -> str:
    """HTML of bank markdown: formatting kept, raw HTML shown as text, unsafe links dropped."""
    return _markdown_it().render(markdown).strip()


def escape_html(text: Any) -> str:
    """A plain-text field inside HTML (quotes too, so it is safe in an attribute)."""
    return html.escape(str(text), quote=True)


def escape_markdown(text: Any) -> str:
    """A plain-text field inside markdown: what markdown would read as formatting, a link, a
    table cell border or a tag is backslash-escaped; newlines become spaces."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()))


def inert_markdown(markdown: str) -> str:
    """Bank markdown kept as markdown, its raw HTML shown as text.

    Markdown without raw HTML (as a CommonMark parser reads it) is kept as written, so code
    like `x < 0` stays as it is. Markdown with any raw HTML gets every ``<`` written as
    ``&lt;``, code included: telling code from tags by hand is where sanitisers fail (a code
    span can cross lines, a backslash can undo ``\\<``), and a stray ``&lt;`` in a hostile
    bank's code sample is the price of never leaving a tag. Script URL schemes are renamed
    either way (``unsafe-javascript:``), for viewers without a link check.
    """
    if _has_raw_html(_markdown_it_raw().parse(markdown)):
        markdown = markdown.replace("<", "&lt;")
    return _SCRIPT_SCHEME.sub(r"unsafe-\1\2:", markdown)


@functools.lru_cache(maxsize=1)
def _markdown_it_raw() -> Any:
    """A parser with raw HTML on, as a permissive viewer reads the guide."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _has_raw_html(tokens: list[Any]) -> bool:
    return any(t.type in ("html_block", "html_inline") or _has_raw_html(t.children or []) for t in tokens)

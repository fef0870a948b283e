"""Anki fields are HTML; a drill bank holds markdown. This turns one into the other.

Only text survives: every tag is dropped and replaced by the markdown it meant (paragraphs,
line breaks, bold, italics, code, lists, tables), script and style content is dropped, and
entities are decoded. No HTML is copied through: text that would read as a tag again
(``<b>`` written out in a card about HTML) is escaped as ``\\<b>``. Anki's editor puts each
line in a ``<div>``, so a div is a line break, not a paragraph. Images and sounds become
``[image: NAME]`` / ``[sound: NAME]`` and are reported, since drill carries no media.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HARD_BREAK = "\\\n"  # a CommonMark hard line break that needs no trailing spaces
_TAGLIKE = re.compile(r"<(?=/?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|[!?])")  # what markdown would read as HTML
_ENTITYLIKE = re.compile(r"&(?=#?\w+;)")
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
_SKIP = {"script", "style", "head", "title", "template"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "col", "embed"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "table", "pre", "ul", "ol"}


def escape_text(text: str) -> str:
    """Plain text made safe to read as markdown: nothing in it can become a tag or an entity."""
    return _ENTITYLIKE.sub(r"\\&", _TAGLIKE.sub(r"\\<", text))


def plain_to_markdown(text: str) -> tuple[str, list[str]]:
    """A field exported without HTML: its lines kept as lines."""
    media = _SOUND.findall(text)
    text = _SOUND.sub(lambda m: f"[sound: {m.group(1)}]", text)
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    out = [HARD_BREAK.join(escape_text(line.strip()) for line in p.splitlines() if line.strip()) for p in paragraphs]
    return "\n\n".join(p for p in out if p), media


def html_to_markdown(html: str) -> tuple[str, list[str]]:
    """The field as markdown, and the media files it referred to (images, sounds)."""
    if "<" not in html and "&" not in html and "[sound:" not in html:  # plain words: most fields of a big deck
        return " ".join(_SPACE.sub(" ", html).split()), []
    converter = _Converter()
    converter.feed(html)
    converter.close()
    return converter.result(), converter.media


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []  # finished markdown blocks
        self.lines: list[str] = []  # finished lines of the current block
        self.line = ""  # the current line
        self.joiner = HARD_BREAK  # how the current block's lines join: hard breaks, or "\n" for lists/tables
        self.skipping: list[str] = []  # open tags whose content is dropped (script, style, drill's ref line)
        self.pre: list[str] | None = None  # raw text of a <pre> block
        self.pre_lang = ""
        self.lists: list[list[int]] = []  # one [next number, or 0 for bullets] per open list
        self.row: list[str] | None = None  # cells of the current table row
        self.rows = 0
        self.spans: list[tuple[str, int]] = []  # open inline markers and where their text starts
        self.links: list[tuple[str, int]] = []
        self.media: list[str] = []

    # -- the text being built: a line, or a table cell ---------------------------------------

    def _get(self) -> str:
        return self.row[-1] if self.row else self.line

    def _set(self, text: str) -> None:
        if self.row:
            self.row[-1] = text
        else:
            self.line = text

    def _end_line(self) -> None:
        if self.line.strip():
            self.lines.append(self.line.rstrip())  # a nested list item keeps its indent
        self.line = ""
        self.spans = []

    def _end_block(self) -> None:
        self._end_line()
        if self.lines:
            self.blocks.append(self.joiner.join(self.lines))
        self.lines = []
        self.joiner = HARD_BREAK

    def result(self) -> str:
        self._end_block()
        return "\n\n".join(self.blocks)

    # -- parser events ----------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if self.skipping or tag in _SKIP or "drill-ref" in (attr.get("class") or "").split():
            # drill's own "ref · id" line, added on export, is not part of the card
            if tag not in _VOID:
                self.skipping.append(tag)
            return
        if self.pre is not None:
            if tag == "br":
                self.pre.append("\n")
            elif tag == "code":
                classes = (attr.get("class") or "").split()
                self.pre_lang = next((c[9:] for c in classes if c.startswith("language-")), "")
            return
        if tag in ("br", "div") or tag == "p" and self.lists:
            self._end_line()
        elif tag == "pre":
            self._end_block()
            self.pre, self.pre_lang = [], ""
        elif tag in ("ul", "ol"):
            if self.lists:
                self._end_line()
            else:
                self._end_block()
                self.joiner = "\n"
            self.lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            self._end_line()
            if self.lists:
                numbering = self.lists[-1]
                self.line = "   " * (len(self.lists) - 1) + (f"{numbering[0]}. " if numbering[0] else "- ")
                numbering[0] += bool(numbering[0])
        elif tag == "table":
            self._end_block()
            self.joiner, self.rows = "\n", 0
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            if self.row is not None:
                self.row.append("")
        elif tag in _BLOCKS:
            self._end_block()
            if tag[0] == "h" and tag[1:].isdigit():
                self.line = "#" * int(tag[1:]) + " "
            elif tag == "blockquote":
                self.line = "> "
        elif tag in _INLINE:
            self._set(self._get() + _INLINE[tag])
            self.spans.append((_INLINE[tag], len(self._get())))
        elif tag == "a":
            self.links.append((attr.get("href") or "", len(self._get())))
        elif tag == "img":
            name = attr.get("src") or attr.get("alt") or "?"
            self.media.append(name)
            self._set(self._get() + f"[image: {escape_text(name)}]")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag in self.skipping:  # closes its element and any left open inside it
                del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
            return
        if self.pre is not None:
            if tag == "pre":
                code = "".join(self.pre).rstrip("\n")
                fence = "````" if "```" in code else "```"
                self.blocks.append(f"{fence}{self.pre_lang}\n{code}\n{fence}")
                self.pre = None
            return
        if tag in ("div", "li") or tag == "p" and self.lists:
            self._end_line()
        elif tag in ("ul", "ol"):
            self._end_line()
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self._end_block()
        elif tag == "tr" and self.row is not None:
            cells = [" ".join(c.split()).replace("|", "\\|") for c in self.row]
            self.row = None
            if cells:
                self.lines.append("| " + " | ".join(cells) + " |")
                if self.rows == 0:
                    self.lines.append("|" + "---|" * len(cells))
                self.rows += 1
        elif tag in _BLOCKS:
            self._end_block()
        elif tag in _INLINE:
            self._close_span(_INLINE[tag])
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            if href.startswith(("http://", "https://")) and href not in self._get()[start:]:
                self._set(self._get().rstrip() + f" ({escape_text(href)})")

    def _close_span(self, marker: str) -> None:
        """Close ``**``, ``*`` or a backtick: an empty span is dropped, and spaces at its ends move
        outside it (markdown does not read ``** word **`` as bold)."""
        found = [i for i, (m, _) in enumerate(self.spans) if m == marker]
        if not found:
            return
        _, start = self.spans.pop(found[-1])
        text = self._get()
        head, body = text[: start - len(marker)], text[start:]
        if not body.strip():
            self._set(head + body)
            return
        lead = body[: len(body) - len(body.lstrip())]
        trail = body[len(body.rstrip()):]
        self._set(head + lead + marker + body.strip() + marker + trail)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.pre is not None:
            self.pre.append(data)
            return
        self.media += _SOUND.findall(data)
        text = _SPACE.sub(" ", _SOUND.sub(lambda m: f"[sound: {m.group(1)}]", data))
        current = self._get()
        if not current.strip() or current.endswith(" "):
            text = text.lstrip()
        in_code = any(marker == "`" for marker, _ in self.spans)  # a code span reads no HTML and no escapes
        self._set(current + (text if in_code else escape_text(text)))

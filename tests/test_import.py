"""Importing Anki decks (text export, .apkg) and markdown notes; exporting .apkg and reading it back."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
import yaml
from typer.testing import CliRunner

from drill.bank import read_bank_file
from drill.cli import app
from drill.importers.html import html_to_markdown
from drill.store import Store

runner = CliRunner()

# What Anki 2.1.55+ writes for File > Export > Notes in Plain Text with every box ticked.
TEXT_EXPORT = (
    "#separator:tab\n"
    "#html:true\n"
    "#guid column:1\n"
    "#notetype column:2\n"
    "#deck column:3\n"
    "#tags column:6\n"
    "Ab3$x]Qz\tBasic\tML::Linear algebra\tWhat is the <b>rank</b> of a matrix?\t"
    "The number of linearly independent columns<div>(equally, of rows)</div>\tlinear-algebra matrices\n"
    'k9_Lm#2p\tBasic\tML::Linear algebra\t"Name two\n""norms"""\t"<ul><li>L1</li><li>L2</li></ul>'
    '<img src=""norms.png"">"\tnorms\n'
    "Zz/8 qq\tCloze\tML::Linear algebra\tA matrix Q is orthogonal when {{c1::QᵀQ = I}}.\tLengths are kept.\t\n"
    "e#mpty\tBasic\tML::Linear algebra\tA front alone\t<div><br></div>\t\n"
)


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def cards_of(path: Path) -> dict[str, dict]:
    bank, faults = read_bank_file(path)
    assert faults == [] and bank is not None
    return {q.id: {"front": q.prompt.strip(), "back": q.answer.strip(), "topics": list(q.topics), "kind": q.kind}
            for q in bank.questions}


# --- Anki's text export ------------------------------------------------------------------


def test_text_export_with_headers_quotes_and_guids_imports_as_a_valid_bank(tmp_path):
    src = tmp_path / "algebra.txt"
    src.write_text(TEXT_EXPORT, encoding="utf-8")
    out = tmp_path / "algebra.yaml"
    result = invoke("import", "anki", str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert invoke("validate", str(out)).exit_code == 0
    cards = list(cards_of(out).values())
    assert [c["kind"] for c in cards] == ["card"] * 3
    rank, norms, cloze = cards
    assert rank["front"] == "What is the **rank** of a matrix?"
    assert rank["back"] == "The number of linearly independent columns\\\n(equally, of rows)"
    assert rank["topics"] == ["linear-algebra", "matrices"]
    assert norms["front"] == 'Name two "norms"'  # a line break in HTML source is a space
    assert norms["back"] == "- L1\n- L2\n\n[image: norms.png]"
    assert cloze["front"] == "A matrix Q is orthogonal when [...]." and "**QᵀQ = I**" in cloze["back"]
    assert "Lengths are kept." in cloze["back"]
    assert "Skipped 1 media files" in result.stderr and "norms.png" in result.stderr
    assert f"skipped {src}:11: empty back" in result.stderr.splitlines()
    bank = yaml.safe_load(out.read_text())
    assert bank["bank"] == "linear-algebra" and bank["title"] == "ML::Linear algebra"


def test_text_export_ids_follow_guids_so_an_edited_deck_keeps_its_ids(tmp_path):
    src = tmp_path / "algebra.txt"
    src.write_text(TEXT_EXPORT, encoding="utf-8")
    first = tmp_path / "first.yaml"
    invoke("import", "anki", str(src), "-o", str(first), "--bank", "alg")
    src.write_text(TEXT_EXPORT.replace("What is the <b>rank</b>", "Define the rank"), encoding="utf-8")
    second = tmp_path / "second.yaml"
    invoke("import", "anki", str(src), "-o", str(second), "--bank", "alg")
    before, after = cards_of(first), cards_of(second)
    assert list(before) == list(after)
    changed = [qid for qid in before if before[qid]["front"] != after[qid]["front"]]
    assert len(changed) == 1 and after[changed[0]]["front"].startswith("Define the rank")


@pytest.mark.parametrize("header,sep", [("#separator:Semicolon\n", ";"), ("#separator:,\n", ","), ("", ";"), ("", ",")])
def test_text_export_separators_by_name_by_character_or_guessed(tmp_path, header, sep):
    src = tmp_path / "plain.csv"
    src.write_text(f'{header}front one{sep}"back, one; with both"\nfront two{sep}back two\n', encoding="utf-8")
    out = tmp_path / "plain.yaml"
    assert invoke("import", "anki", str(src), "-o", str(out)).exit_code == 0
    assert [(c["front"], c["back"]) for c in cards_of(out).values()] == [
        ("front one", "back, one; with both"), ("front two", "back two")]


def test_html_is_never_copied_through():
    text, media = html_to_markdown('<script>alert(1)</script>&lt;b&gt;x&lt;/b&gt; <span onclick="evil()">y</span>'
                                   '<style>p{}</style>a&amp;lt;b<br>z')
    assert text == "\\<b>x\\</b> ya\\&lt;b\\\nz" and media == []
    assert "<" not in text.replace("\\<", "")


# --- .apkg packages ------------------------------------------------------------------------

BASIC = genanki.Model(1607392319, "Basic", fields=[{"name": "Front"}, {"name": "Back"}],
                      templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{Back}}"}])


def build_apkg(path: Path, notes: list[tuple[str, str, str, list[str]]], media: list[Path] = ()) -> Path:
    """A package as Anki would export it: notes (guid, front, back, tags) in one deck, plus a
    cloze note, built with genanki."""
    deck = genanki.Deck(2059400110, "Spanish::Verbs")
    for guid, front, back, tags in notes:
        deck.add_note(genanki.Note(model=BASIC, fields=[front, back], guid=guid, tags=tags))
    deck.add_note(genanki.Note(model=genanki.CLOZE_MODEL, fields=["Yo {{c1::hablo}} español.", ""],
                               guid="cl0ze+1"))
    package = genanki.Package(deck)
    package.media_files = [str(m) for m in media]
    package.write_to_file(str(path))
    return path


VERBS = [("aB1/x+2", "hablar", "to speak", ["verbs", "ar-verbs"]),
         ("Qq9]w'3", "comer", "to eat<br>(also: to have lunch)", ["verbs"])]


def test_apkg_imports_notes_tags_and_lists_media_as_skipped(tmp_path):
    picture = tmp_path / "comer.jpg"
    picture.write_bytes(b"\xff\xd8 not really a jpeg")
    src = build_apkg(tmp_path / "verbs.apkg", VERBS, media=[picture])
    out = tmp_path / "verbs.yaml"
    result = invoke("import", "anki", str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert invoke("validate", str(out)).exit_code == 0
    cards = cards_of(out)
    assert [c["front"] for c in cards.values()] == ["hablar", "comer", "Yo [...] español."]
    assert cards["verbs/" + next(iter(cards)).split("/")[1]]["topics"] == ["verbs", "ar-verbs"]
    assert list(cards.values())[1]["back"] == "to eat\\\n(also: to have lunch)"
    assert list(cards.values())[2]["back"] == "Yo **hablo** español."
    assert all(qid.startswith("verbs/anki-") for qid in cards)  # GUIDs are not slugs: hashed, stably
    assert "Skipped 1 media files" in result.stderr and "comer.jpg" in result.stderr


def test_a_decks_own_text_reaches_the_terminal_as_data(tmp_path):
    src = build_apkg(tmp_path / "evil.apkg", [("g\x1b]0;pwned\x07", "a front", "", []), *VERBS])
    result = invoke("import", "anki", str(src), "-o", str(tmp_path / "evil.yaml"))
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert f"skipped {src}: note g\\x1b]0;pwned\\x07: empty back" in result.stderr.splitlines()


def test_reimporting_an_edited_deck_keeps_progress(tmp_path, monkeypatch):
    src = build_apkg(tmp_path / "verbs.apkg", VERBS)
    out = tmp_path / "verbs.yaml"
    assert invoke("import", "anki", str(src), "-o", str(out)).exit_code == 0
    monkeypatch.setenv("DRILL_BANKS", str(out))
    reviewed = json.loads(invoke("quiz", "--bank", "verbs", "--id", "*", "-n", "1", "--seed", "2", "--json",
                                 input="\n---\n3\n").stdout)
    edited = [(VERBS[0][0], "hablar", "to speak, to talk", ["verbs"]), VERBS[1], ("n3w", "vivir", "to live", [])]
    build_apkg(src, edited)
    again = invoke("import", "anki", str(src), "-o", str(out))
    assert again.exit_code == 2 and again.stderr == f"drill: {out} already exists; not overwritten (--force replaces it)\n"
    assert invoke("import", "anki", str(src), "-o", str(out), "--force").exit_code == 0
    cards = cards_of(out)
    assert reviewed["id"] in cards and len(cards) == 4
    assert any(c["back"] == "to speak, to talk" for c in cards.values())
    with Store() as store:
        assert store.card(reviewed["id"]) is not None
    stats = json.loads(invoke("stats", "--json").stdout)
    assert stats["reviews_total"] == 1 and stats["orphans"] == []


def test_a_package_reads_collection_anki21_before_the_legacy_stub(tmp_path):
    built = build_apkg(tmp_path / "built.apkg", VERBS)
    src = tmp_path / "modern.colpkg"
    with zipfile.ZipFile(built) as zin, zipfile.ZipFile(src, "w") as zout:
        zout.writestr("collection.anki21", zin.read("collection.anki2"))
        zout.writestr("collection.anki2", b"not a database: the stub older Ankis open")
        zout.writestr("media", "{}")
    out = tmp_path / "modern.yaml"
    assert invoke("import", "anki", str(src), "-o", str(out)).exit_code == 0
    assert [c["front"] for c in cards_of(out).values()] == ["hablar", "comer", "Yo [...] español."]


def test_a_package_in_ankis_newer_compressed_format_is_one_clear_line(tmp_path):
    src = tmp_path / "new.apkg"
    with zipfile.ZipFile(src, "w") as zf:
        zf.writestr("collection.anki2", b"the 'please update Anki' stub")
        zf.writestr("collection.anki21b", b"(zstd)")
    out = tmp_path / "new.yaml"
    result = invoke("import", "anki", str(src), "-o", str(out))
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "collection.anki21b" in result.stderr and "Support older Anki versions" in result.stderr
    assert not out.exists()


# --- .apkg export, and back ------------------------------------------------------------------

CARD_BANK = """\
version: 1
bank: flash
title: Flash cards
questions:
  - id: softmax
    kind: card
    topic: [activations, probability]
    front: What does **softmax** compute?
    back: |
      A distribution over classes:

      - exponentiate each logit
      - divide by the sum

      ```python
      p = np.exp(z) / np.exp(z).sum()
      ```
  - id: lines
    ref: 7.1-Q2
    kind: card
    topic: [formats]
    front: Two lines?
    back: "first line\\\\\\nsecond line with `code` and *emphasis*"
"""


def test_apkg_export_round_trips_through_import_with_the_same_ids_fields_and_tags(tmp_path, mini_banks, monkeypatch):
    bank = tmp_path / "banks" / "flash.yaml"
    bank.parent.mkdir()
    bank.write_text(CARD_BANK, encoding="utf-8")
    monkeypatch.setenv("DRILL_BANKS", f"{bank}:{mini_banks}")
    apkg = tmp_path / "flash.apkg"
    result = invoke("export", "anki", "--format", "apkg", "--bank", "flash", "-o", str(apkg))
    assert result.exit_code == 0, result.output
    out = tmp_path / "back.yaml"
    monkeypatch.setenv("DRILL_BANKS", str(mini_banks))  # as on another machine: bank flash is not loaded there
    assert invoke("import", "anki", str(apkg), "-o", str(out)).exit_code == 0
    assert cards_of(out) == {qid: {**card, "kind": "card"} for qid, card in cards_of(bank).items()}

    monkeypatch.setenv("DRILL_BANKS", f"{bank}:{mini_banks}")
    both = tmp_path / "both.apkg"
    assert invoke("export", "apkg", "--bank", "flash", "--bank", "mini", "-o", str(both)).exit_code == 0
    con = sqlite3.connect(zipfile.ZipFile(both).extract("collection.anki2", tmp_path / "x"))
    guids = dict(con.execute("SELECT guid, tags FROM notes"))
    decks = {d["name"] for d in json.loads(con.execute("SELECT decks FROM col").fetchone()[0]).values()}
    assert set(guids) == {"flash/softmax", "flash/lines", "mini/gd-update", "mini/edit-distance", "mini/pick-relu"}
    assert guids["flash/softmax"].split() == ["activations", "probability"]
    assert {"drill::flash", "drill::mini"} <= decks
    solution = con.execute("SELECT flds FROM notes WHERE guid = 'mini/edit-distance'").fetchone()[0]
    assert "Worked solution" in solution and "<table>" in solution


def test_apkg_export_ids_are_stable_so_anki_updates_in_place(tmp_path, mini_banks):
    ids = []
    for name in ("a.apkg", "b.apkg"):
        path = tmp_path / name
        assert invoke("export", "apkg", "--bank", "mini", "-o", str(path)).exit_code == 0
        mask = os.umask(0o22)
        os.umask(mask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask  # an ordinary file to share, not a private one
        con = sqlite3.connect(zipfile.ZipFile(path).extract("collection.anki2", tmp_path / name.split(".")[0]))
        models = json.loads(con.execute("SELECT models FROM col").fetchone()[0])
        decks = json.loads(con.execute("SELECT decks FROM col").fetchone()[0])
        ids.append((set(models), {k for k, d in decks.items() if d["name"] == "drill::mini"}))
    assert ids[0] == ids[1] and ids[0][1]
    again = invoke("export", "anki", "--format", "apkg", "--bank", "mini", "-o", str(tmp_path / "a.apkg"))
    assert again.exit_code == 2 and "already exists; not overwritten (--force replaces it)" in again.stderr
    forced = invoke("export", "anki", "--format", "apkg", "--bank", "mini", "-o", str(tmp_path / "a.apkg"), "--force")
    assert forced.exit_code == 0


# --- markdown notes ----------------------------------------------------------------------

NOTES = """\
# Linear algebra

Some notes on matrices; this line is not a card.

Q: What is the rank of a matrix?
A: The number of linearly independent columns
(equally, of rows).

id: orthogonal
topic: matrices, geometry
## Q: Which matrices are
*orthogonal*?
A: Those with QᵀQ = I.

```text
Q: inside a fence, not a card
```
---

Q: Why?
A: Because.
"""


def test_markdown_notes_import_with_ids_from_the_question_or_an_id_line(tmp_path):
    src = tmp_path / "notes.md"
    src.write_text(NOTES, encoding="utf-8")
    out = tmp_path / "la.yaml"
    result = invoke("import", "markdown", str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert invoke("validate", str(out)).exit_code == 0
    cards = cards_of(out)
    assert len(cards) == 3
    rank, orth, why = cards.values()
    assert list(cards)[1] == "linear-algebra/orthogonal" and orth["topics"] == ["matrices", "geometry"]
    assert orth["front"] == "Which matrices are\n*orthogonal*?"
    assert orth["back"].startswith("Those with QᵀQ = I.") and "Q: inside a fence" in orth["back"]
    assert rank["back"] == "The number of linearly independent columns\n(equally, of rows)."
    assert why == {"front": "Why?", "back": "Because.", "topics": [], "kind": "card"}
    # rewording spacing, case or emphasis keeps a hashed id; rewording the words does not
    src.write_text(NOTES.replace("What is the rank", "what  is the **rank**"), encoding="utf-8")
    invoke("import", "markdown", str(src), "-o", str(out), "--force")
    assert list(cards_of(out)) == list(cards)


# --- bad input: one located line, exit 2, nothing written ------------------------------------


@pytest.mark.parametrize("name,text,line,message", [
    ("open.txt", "#separator:tab\n#html:false\nfront\tback\n\"never closed\tback\nmore\n", 4,
     "not a valid tab-separated row: a quoted field is never closed"),
    ("sep.txt", "#separator:Fancy\nfront\tback\n", 1, "unknown separator 'Fancy'"),
    ("short.txt", "#separator:tab\n#guid column:1\n#tags column:4\nid1\tfront\tback\ttag\nid2\tfront\tback\n", 5,
     "this row has 3 columns but the header puts the tags in column 4"),
    ("twice.txt", "#separator:tab\n#guid column:1\nid1\tfront\tback\nid2\tf\tb\nid1\tagain\tb\n", 5,
     "note 'id1' appears twice (first at"),
    ("one.txt", "#separator:comma\njust a front\n", 2, "a note needs a front and a back"),
    ("latin1.txt", "#separator:tab\n".encode() + b"caf\xe9\tback\n", 2, "not UTF-8 text"),
    ("noanswer.md", "# T\n\nQ: one?\nA: yes\n\nQ: two?\n\nQ: three?\nA: no\n", 6, "this question has no 'A:' line"),
    ("badid.md", "id: Not A Slug\nQ: one?\nA: yes\n", 1, "id 'Not A Slug' must be lowercase"),
    ("same.md", "Q: Same?\nA: yes\n\nQ: same?\nA: again\n", 4, "a second card with id"),
])
def test_bad_input_is_one_located_line_exit_2_and_no_file(tmp_path, name, text, line, message):
    src = tmp_path / name
    src.write_bytes(text if isinstance(text, bytes) else text.encode())
    out = tmp_path / "out" / "bank.yaml"
    out.parent.mkdir()
    result = invoke("import", "markdown" if name.endswith(".md") else "anki", str(src), "-o", str(out))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{src}:{line}: ") and message in lines[0], lines
    assert list(out.parent.iterdir()) == []


def test_a_file_that_is_not_a_package_is_one_line(tmp_path):
    src = tmp_path / "deck.apkg"
    src.write_text("not a zip")
    result = invoke("import", "anki", str(src), "-o", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2 and result.stderr.startswith(f"drill: {src}: not a readable Anki package")
    assert not (tmp_path / "x.yaml").exists()


def test_a_deck_named_like_a_loaded_bank_is_refused_before_it_shadows_every_id(tmp_path, mini_banks):
    exported = tmp_path / "mini.txt"
    assert runner.invoke(app, ["export", "anki", "--bank", "mini", "-o", str(exported)]).exit_code == 0
    out = tmp_path / "mini.yaml"
    refused = runner.invoke(app, ["import", "anki", str(exported), "-o", str(out)])
    assert refused.exit_code == 2 and not out.exists()
    assert "a bank named 'mini' is already loaded" in refused.stderr and "--bank NAME" in refused.stderr
    renamed = runner.invoke(app, ["import", "anki", str(exported), "-o", str(out), "--bank", "my-mini"])
    assert renamed.exit_code == 0, renamed.stderr
    assert runner.invoke(app, ["list", "--bank-dir", str(out), "--bank", "my-mini"]).exit_code == 0


@pytest.mark.parametrize("kind", ["anki", "markdown"])
def test_a_file_name_the_system_refuses_is_one_line(kind, tmp_path):
    result = runner.invoke(app, ["import", kind, str(tmp_path / ("x" * 300))])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "File name too long" in result.stderr

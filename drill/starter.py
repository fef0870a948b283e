"""`drill new bank NAME`: a commented starter bank with one question of each kind."""

from __future__ import annotations

import re
from pathlib import Path

from drill.errors import InputError

TEMPLATE = '''\
# A drill question bank (format version 2). Check it with: drill validate {file}
# Use it with: drill quiz --bank-dir {folder} --bank {name}   (or add the folder to DRILL_BANKS
# or to bank_dirs in config.toml). Every key is described in the README, "Writing questions".
version: 2                   # 2: patterns are phrases unless they start with re:
bank: {name}                 # question ids become "{name}/<id>"
title: "{title}"
source: "my own interview questions"
questions:
  # A concept question is graded against its rubric: each key point is hit when one of its
  # patterns matches a part of the answer that asserts it (not negated, not "people think...").
  # A pattern is a phrase: whole words, any case and spacing, each word in any form ("feature
  # scaling" matches "features scaled"); "-" also matches a space or nothing, "..." up to six
  # words. Start it with re: for a regex. Score = hit weight / total weight, minus penalties.
  - id: bias-variance
    ref: 1.1-Q1               # where it comes from: section-Q<n>[-<part>]
    topic: [fundamentals]
    kind: concept
    prompt: |
      What happens to bias and variance as a model becomes more flexible?
    answer: |
      Bias falls and variance rises: a flexible model fits the training data more closely
      (less systematic error) but changes more from one training sample to another. The
      test error is U-shaped, so pick the flexibility by validation.
    rubric:
      - point: "bias decreases"
        match: ['bias decreases', 'bias falls', 'bias drops', 'bias goes down', 'less bias', 'lower bias']
        opposite: ['bias increases', 'bias rises', 'bias grows', 'bias goes up', 'more bias', 'higher bias']
        correction: "More flexibility lowers bias; it is variance that grows."   # shown if contradicted
        weight: 2
      - point: "variance increases"
        match: ['variance increases', 'variance rises', 'variance grows', 'variance goes up',
                'more variance', 'higher variance']
        opposite: ['variance decreases', 'variance falls', 'variance goes down', 'less variance', 'lower variance']
        weight: 2
      - point: "choose the trade-off by validation"
        match: ['validation', 'cross-validation', 'held-out', 're:cross.?valid']
    misconceptions:           # asserting one costs its penalty and shows the correction
      - match: ['flexible models generalize better', 'complex models generalise better',
                'flexible models always generalize better']
        correction: "Past the sweet spot a more flexible model generalises worse."
    examples:                 # drill validate grades these: good must pass, the others fail
      good: ["Lower bias but higher variance; pick the complexity with cross-validation."]
      bad: ["Both bias and variance go down."]
      near: ["Bias rises and variance rises too; pick the complexity with cross-validation."]
      partial: ["Lower bias."]
    hints: ["Which of the two measures how much the fit changes between training sets?"]

  # An exercise names a solver; the expected answer is computed, never typed here.
  # `drill solve` lists the solvers; `inputs` are the options of `drill solve NAME`.
  - id: edit-distance
    ref: 1.1-Q2
    topic: [strings]
    kind: exercise
    prompt: |
      What is the Levenshtein distance between "kitten" and "sitting"?
    answer: |
      Fill the table of distances between prefixes; each cell is the cheapest of a deletion,
      an insertion or a substitution from its neighbours.
    solver: levenshtein
    inputs: {{word1: kitten, word2: sitting}}
    expect: {{field: distance, as: number}}   # as: number | label | ranking | set | matrix | bool
    hints: ["How many substitutions turn 'kitten' into 'sittin'?"]

  # A choice question: answer with the letter or the option's text.
  - id: relu-zero
    ref: 1.1-Q3
    topic: [activations]
    kind: choice
    prompt: |
      Which activation outputs zero for every negative input?
    answer: |
      ReLU, max(0, x).
    choices: ["sigmoid", "ReLU", "tanh"]
    correct: b
    hints: ["Which one is a max?"]

  # A code question: `drill check ID FILE` runs your file against a reference on random cases.
  - id: dropout-code
    ref: 1.1-Q4
    topic: [regularisation]
    kind: code
    code: dropout
    prompt: |
      Write `dropout_forward(x, keep, train, rng) -> (out, mask)` (inverted dropout) and
      `dropout_backward(dout, mask) -> dx`.
    answer: |
      mask = (rng.random(x.shape) < keep) / keep during training; out = x * mask; at test
      time return x unchanged. The backward pass is dout * mask.
    hints: ["What must the kept units be multiplied by so the expected activation is unchanged?"]

  # A card is self-rated, as in Anki: drill shows the front, you try to recall the back (typed
  # or not), it reveals the back and you rate your recall 1-4. A ref is optional.
  - id: sigmoid-derivative
    topic: [activations]
    kind: card
    front: What is the derivative of the sigmoid σ(x)?
    back: σ(x) (1 − σ(x))
'''


def write_starter(name: str, folder: Path) -> Path:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise InputError(f"bank name '{name}' must be lowercase letters, digits and dashes")
    from drill.export.files import refuse_existing, write_text_atomic

    path = folder / f"{name}.yaml"
    refuse_existing([path], False, hint="")  # a dangling symlink too: never written through
    title = name.replace("-", " ").capitalize()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    write_text_atomic(path, TEMPLATE.format(name=name, title=title, file=path, folder=folder), hint="")
    return path

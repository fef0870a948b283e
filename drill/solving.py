"""Running a solver for the CLI: gathering inputs from options, files, stdin or a seed.

Kept apart from the Typer layer so tests can call it directly, and so every `drill solve`
subcommand shares one path from inputs to a result.
"""

from __future__ import annotations

import random as _random
import sys
from pathlib import Path
from typing import Any, Iterator

from drill.errors import InputError, NotFoundError

# What drill reads from a file or stdin, at most: an answer, an --input mapping, one line of a
# corpus. `drill check ID /dev/zero` or `--docs /dev/zero` stops with a message, not a full memory.
MAX_TEXT_BYTES = 16 * 2**20
MAX_LINE_CHARS = 1_000_000


def load_solver(name: str):  # noqa: ANN201 - a module
    import solvers

    if name not in solvers.REGISTRY:
        raise NotFoundError(f"no solver named '{name}' (solvers: {', '.join(solvers.REGISTRY)})")
    return solvers.load(name)


def read_text(source: str) -> str:
    """A whole UTF-8 file, or standard input for ``-``; every failure is one InputError line."""
    where = "stdin" if source == "-" else source
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        else:
            with open(source, "rb") as fh:
                raw = fh.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{source}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror})") from None
    if len(raw) > MAX_TEXT_BYTES:
        raise InputError(f"{where}: more than {MAX_TEXT_BYTES // 2**20} MB; too large for an answer or inputs")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 text (byte {exc.start})") from None


def read_input_mapping(source: str) -> dict[str, Any]:
    """``--input FILE`` or ``-``: a YAML or JSON mapping whose keys are the option names."""
    import yaml

    from drill.yamlsafe import no_alias_loader

    where = "stdin" if source == "-" else source
    text = read_text(source)
    try:
        data = yaml.load(text, Loader=no_alias_loader())  # noqa: S506 - a safe loader, without aliases
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise InputError(f"{where}{line}: not valid YAML or JSON ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a mapping of input names to values")
    return {str(k).replace("-", "_"): v for k, v in data.items()}


def read_lines(path: str) -> Iterator[str]:
    """Lines of a UTF-8 text file, streamed; errors name the file and line."""
    try:
        fh = open(path, encoding="utf-8", newline=None)  # noqa: SIM115 - closed by the generator
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return _stream(fh, path)


def stdin_lines() -> Iterator[str]:
    """Lines of standard input, decoded as UTF-8, for `--docs -` and `--train -`."""
    import io

    return _stream(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8"), "stdin")


def _stream(fh, path: str) -> Iterator[str]:  # noqa: ANN001
    """Lines, each read with a bound: one endless line (/dev/zero) is an error, not a hang."""
    line_no = 0
    with fh:
        try:
            while line := fh.readline(MAX_LINE_CHARS + 1):
                line_no += 1
                if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
                    raise InputError(f"{path}:{line_no}: line longer than {MAX_LINE_CHARS:,} characters")
                yield line.rstrip("\n")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}:{line_no + 1}: not UTF-8 text (byte {exc.start} of the line)") from None


def gather_inputs(name: str, options: dict[str, Any], *, input_file: str | None, random: bool,
                  seed: int | None) -> dict[str, Any]:
    """Inputs for a solver: a random instance or the --input mapping, overridden by options."""
    inputs: dict[str, Any] = {}
    if random:
        seed = seed if seed is not None else _random.randrange(1_000_000)
        inputs.update(load_solver(name).random_inputs(seed))
    if input_file is not None:
        inputs.update(read_input_mapping(input_file))
    inputs.update({k: v for k, v in options.items() if v is not None and v != [] and v != ()})
    return inputs


def run(name: str, inputs: dict[str, Any]):  # noqa: ANN201 - a solvers.result.Result
    """Solve, turning the solver's input errors and unexpected argument names into InputError."""
    from solvers import unknown_inputs
    from solvers.result import SolverInputError

    module = load_solver(name)
    unknown = unknown_inputs(module, inputs)
    if unknown:
        raise InputError(f"solver {name} takes no input {', '.join(map(repr, unknown))} "
                         f"(inputs: {', '.join(module.INPUTS)})")
    try:
        return module.solve(**inputs)
    except SolverInputError as exc:
        raise InputError(f"{name}: {exc}") from None


def result_json(result: Any) -> str:
    import json

    return json.dumps(result.to_json(), ensure_ascii=False, indent=1)


class TextLines:
    """The lines of a text file as a re-iterable sequence of documents: each pass re-reads
    the file, so a two-pass solver never holds the whole corpus in memory."""

    def __init__(self, path: str):
        self.path = path
        next(iter(read_lines(path)), None)  # fail now, with the file's name, if it cannot be read

    def __iter__(self) -> Iterator[str]:
        return read_lines(self.path)

    def __repr__(self) -> str:
        return f"lines of {self.path}"

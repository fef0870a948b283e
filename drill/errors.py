"""The exceptions the core raises; the CLI turns each into one line on stderr and exit 2."""

from __future__ import annotations


class DrillError(Exception):
    """Anything the user can fix: bad input, a faulty bank, an unusable store."""


def fault_text(file: str, line: int, message: str) -> str:
    """``FILE:LINE: message``; ``FILE: message`` for a fault of the whole file (line 0:
    missing, unreadable, too large), which has no line to point at."""
    return f"{file}:{line}: {message}" if line else f"{file}: {message}"


class BankError(DrillError):
    """One or more faults in question banks, each located as FILE:LINE."""

    def __init__(self, faults: list[tuple[str, int, str]]):
        self.faults = faults
        super().__init__("\n".join(fault_text(*fault) for fault in faults))

    def __reduce__(self) -> tuple:
        # Rebuilt from its faults, not its message: a fault found in a worker process
        # (drill.workers) reaches the parent as the same error, whatever the subclass.
        return _rebuilt, (type(self), self.faults)


def _rebuilt(cls: type[BankError], faults: list[tuple[str, int, str]]) -> BankError:
    error = cls.__new__(cls)
    BankError.__init__(error, faults)
    return error


class DataFileError(BankError):
    """Faulty lines in a data file drill reads (a progress CSV), each located as FILE:LINE."""


class InputError(DrillError):
    """A value given on the command line, in a file or on stdin that cannot be used."""


class NotFoundError(DrillError):
    """An id, ref, bank or solver name that does not exist."""


class StoreError(DrillError):
    """The progress database cannot be opened, is locked, damaged or from a newer drill."""


class DeckError(BankError):
    """A fault in a deck or notes file being imported, located as FILE:LINE."""

    def __init__(self, file: str, line: int, message: str):
        super().__init__([(file, line, message)])

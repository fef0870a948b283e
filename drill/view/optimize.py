"""Rendering the result of `drill optimize`."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from drill.optimize import MIN_ITEMS, Fit, TooLittleHistory


def optimize_view(result: Fit | TooLittleHistory, kept: bool) -> Group:
    """``kept``: the fitted parameters were stored (they predict the reviews better than the defaults)."""
    if isinstance(result, TooLittleHistory):
        return Group(Text(
            f"Not enough history yet: fitting FSRS needs {MIN_ITEMS} reviews made on a later day than the "
            f"card's previous review, and your {result.reviews} reviews hold {result.items}. "
            f"{result.needed} more such reviews are needed; the scheduler keeps FSRS's default parameters."))
    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("parameters", "log-loss", "RMSE"):
        table.add_column(col, justify="left" if col == "parameters" else "right")
    table.add_row("FSRS defaults", f"{result.before.log_loss:.4f}", f"{result.before.rmse:.2%}")
    table.add_row("yours (fitted)", f"{result.after.log_loss:.4f}", f"{result.after.rmse:.2%}")
    head = Text(f"Fitted FSRS to your {result.reviews} reviews ({result.items} on a later day than the card's "
                f"previous review). How well each set predicts whether you recalled, on those reviews:")
    if kept:
        tail = Text("The scheduler uses your parameters from now on (drill config shows them).", style="bold")
    else:
        tail = Text("The defaults predict your reviews as well or better: they are kept.", style="yellow")
    return Group(head, table, tail)

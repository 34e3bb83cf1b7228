"""The summary chart: commendations and feedback per week, as a PNG.

matplotlib's `Figure` API, never `pyplot`: pyplot keeps global state and is not
safe from the listener and scheduler threads that draw charts at once.
"""

from __future__ import annotations

import io
from datetime import date

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def weekly_chart(title: str, weeks: list[tuple[date, int, int]]) -> bytes:
    """A bar chart of (week starting, commendations, feedback), oldest first."""
    labels = [start.strftime("%-d %b") for start, _, _ in weeks]
    praise = [count for _, count, _ in weeks]
    feedback = [count for _, _, count in weeks]
    positions = list(range(len(weeks)))
    figure = Figure(figsize=(8, 3.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.bar(
        [p - 0.2 for p in positions], praise, width=0.4, label="Commendations", color="#2c7a4b"
    )
    axes.bar([p + 0.2 for p in positions], feedback, width=0.4, label="Feedback", color="#2c4a6e")
    axes.set_xticks(positions, labels)
    axes.set_title(title)
    axes.set_ylabel("per week")
    axes.legend(loc="upper left", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

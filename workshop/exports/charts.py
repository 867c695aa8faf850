"""An indicator's measurements as a small SVG chart: the values over time, the target and the
threshold as lines, the baseline as the starting point. People would rather look than read.

Pure and escaped like the diagram; the chart carries a <title> and a <desc> in words, so a
screen reader (and a PDF's text) says what the picture shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from workshop.numbers import format_number

WIDTH, HEIGHT = 480.0, 200.0  # px
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48.0, 16.0, 16.0, 32.0
INK = "#1d1f21"
MUTED = "#585149"
VALUE = "#0b5d63"  # the board's accent: the measured line
TARGET = "#2e6b1f"
THRESHOLD = "#a14f00"
STATUS_COLOURS = {
    "reached": TARGET,
    "above_threshold": "#8a6d00",
    "below_threshold": "#b3261e",
    "no_target": MUTED,
    "no_data": MUTED,
}


TICKS = 5  # at most this many intervals on the value axis


def _fmt(value: float, lang: str) -> str:
    """10.5 -> "10,5" in Italian: the axis and the lines' labels read as the rest of the report."""
    value = round(float(value), 6)
    decimals = 0 if value.is_integer() else (1 if round(value, 1) == value else 2)
    return format_number(value, decimals, lang)


def _nice_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that covers `span` in at most TICKS intervals,
    so that the axis reads 0, 10, 20, 30, 40 and not 0, 10.8, 21.6."""
    raw = span / TICKS
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-9)


def indicator_chart(
    title: str,
    values: Sequence[tuple[str, float]],
    *,
    target: float | None,
    threshold: float | None,
    baseline: float | None,
    description: str,
    labels: dict[str, str],
    date_label=None,
    lang: str = "it",
) -> str:
    """`values` are (YYYY-MM-DD, value), oldest first. `labels` names "target" and "threshold"
    in the reader's language."""
    points = [(date.fromisoformat(d), v) for d, v in values]
    day_text = date_label or date.isoformat  # the report passes "31 dicembre 2027"
    levels = [v for _, v in points] + [x for x in (target, threshold, baseline) if x is not None]
    low, high = (min(levels), max(levels)) if levels else (0.0, 1.0)
    if low > 0 and low < high * 0.5:
        low = 0.0  # start from zero unless that would flatten the line
    if high == low:
        high, low = high + 1, low - 1 if low > 0 else low
    span = high - low
    # A little air above and below, but counts never dip below zero on the axis; then out to
    # round ticks.
    low, high = (low - span * 0.08 if low < 0 else max(0.0, low - span * 0.08)), high + span * 0.08
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    ticks = [low + step * k for k in range(round((high - low) / step) + 1)]
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def y_of(value: float) -> float:
        return PAD_TOP + plot_h * (1 - (value - low) / (high - low))

    if len(points) > 1:
        first, last = points[0][0].toordinal(), points[-1][0].toordinal()
        days = max(1, last - first)

        def x_of(day: date) -> float:
            return PAD_LEFT + plot_w * (day.toordinal() - first) / days
    else:

        def x_of(day: date) -> float:
            return PAD_LEFT + plot_w / 2

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0f}" height="{HEIGHT:.0f}" '
        f'viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" role="img" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
        f'<rect x="{PAD_LEFT}" y="{PAD_TOP}" width="{plot_w}" height="{plot_h}" fill="#faf8f5" stroke="#d6cec1"/>',
    ]
    for value in ticks:
        out.append(
            f'<text x="{PAD_LEFT - 6}" y="{y_of(value) + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{_fmt(value, lang)}</text>"
        )
    for level, colour, name, dash in (
        (target, TARGET, labels.get("target", "target"), ""),
        (threshold, THRESHOLD, labels.get("threshold", "threshold"), ' stroke-dasharray="6 4"'),
    ):
        if level is None:
            continue
        y = y_of(level)
        out.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="1.5"{dash}/>'
        )
        # The label goes at the end where the measured line is farther from this level, so
        # the line and its dots never cover it.
        left = not points or abs(y_of(points[0][1]) - y) >= abs(y_of(points[-1][1]) - y)
        x, anchor = (PAD_LEFT + 4, "start") if left else (WIDTH - PAD_RIGHT - 4, "end")
        out.append(
            f'<text x="{x:.1f}" y="{y - 4:.1f}" text-anchor="{anchor}" fill="{colour}">'
            f"{escape(name)} {_fmt(level, lang)}</text>"
        )
    if points:
        path = " ".join(
            f"{'M' if n == 0 else 'L'}{x_of(d):.1f},{y_of(v):.1f}"
            for n, (d, v) in enumerate(points)
        )
        out.append(f'<path d="{path}" fill="none" stroke="{VALUE}" stroke-width="2.5"/>')
        for d, v in points:
            out.append(f'<circle cx="{x_of(d):.1f}" cy="{y_of(v):.1f}" r="3.5" fill="{VALUE}"/>')
        out.append(
            f'<text x="{PAD_LEFT}" y="{HEIGHT - 10}" fill="{MUTED}">{escape(day_text(points[0][0]))}</text>'
        )
        if len(points) > 1:
            out.append(
                f'<text x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 10}" text-anchor="end" fill="{MUTED}">'
                f"{escape(day_text(points[-1][0]))}</text>"
            )
    out.append("</svg>")
    return "\n".join(out)

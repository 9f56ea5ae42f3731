"""A small server-rendered SVG line chart: no JavaScript, no third-party library. Pages always show the same
numbers in a table beside it, so the chart is marked as an image with a short text alternative."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 28, 64
LEGEND_STEP, LEGEND_COLUMNS = 190, 3


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[float, float]]  # (x, y); x in years (fractions for dates)
    css_class: str  # the stroke style in site.css: chart-actual, chart-plan, chart-milestone, ...
    dashed: bool = False
    markers: bool = True


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round-numbered ticks (steps of 1, 2, 2.5 or 5 times a power of ten) from at or below `low` to at or above
    `high`."""
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if raw <= m * magnitude)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9:
        ticks.append(first + step * len(ticks))
    return ticks


def _format(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f") if abs(value) >= 100 else f"{value:g}"


def line_chart(series: Sequence[Series], *, title: str, x_label: str, y_label: str) -> Markup:
    points = [point for line in series for point in line.points]
    if not points:
        return Markup("")
    xs, ys = [x for x, _ in points], [y for _, y in points]
    x_low, x_high = min(xs), max(xs)
    y_low, y_high = min(0.0, min(ys)), max(ys)
    if x_high == x_low:
        x_low, x_high = x_low - 0.5, x_high + 0.5
    if y_high == y_low:
        y_high = y_low + 1
    y_ticks = nice_ticks(y_low, y_high)
    y_low, y_high = y_ticks[0], y_ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (x - x_low) / (x_high - x_low) * plot_w

    def sy(y: float) -> float:
        return TOP + plot_h - (y - y_low) / (y_high - y_low) * plot_h

    legend_rows = -(-len(series) // LEGEND_COLUMNS)
    height = HEIGHT + (legend_rows - 1) * 16
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<line class="chart-axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}"/>',
        f'<line class="chart-axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
    ]
    for tick in y_ticks:
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" y1="{sy(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{sy(tick):.1f}"/>'
            f'<text class="chart-tick" x="{LEFT - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end">{_format(tick)}</text>'
        )
    first_year, last_year = int(x_low), int(x_high)
    step = max(1, (last_year - first_year) // 8 + (1 if (last_year - first_year) % 8 else 0))
    tick_y = TOP + plot_h + 16
    for year in range(first_year, last_year + 1, step):
        if x_low <= year <= x_high:
            parts.append(f'<text class="chart-tick" x="{sx(year):.1f}" y="{tick_y}" text-anchor="middle">{year}</text>')
    parts.append(
        f'<text class="chart-label" x="{LEFT + plot_w / 2:.1f}" y="{tick_y + 18}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    parts.append(f'<text class="chart-label" x="{LEFT}" y="{TOP - 12}">{escape(y_label)}</text>')
    for line in series:
        if not line.points:
            continue
        coordinates = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in sorted(line.points))
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        parts.append(f'<polyline class="chart-line {line.css_class}" fill="none" points="{coordinates}"{dash}/>')
        if line.markers:
            parts += [
                f'<circle class="chart-dot {line.css_class}" cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4"/>'
                for x, y in line.points
            ]
    for index, line in enumerate(series):
        legend_x = LEFT + index % LEGEND_COLUMNS * LEGEND_STEP
        y = HEIGHT - 8 + index // LEGEND_COLUMNS * 16
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        parts.append(
            f'<line class="chart-line {line.css_class}" x1="{legend_x}" y1="{y}" x2="{legend_x + 24}" y2="{y}"{dash}/>'
            f'<text class="chart-legend" x="{legend_x + 30}" y="{y + 4}">{escape(line.label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 (every text above is escaped)


BAR_HEIGHT, BAR_GAP, BAR_LABEL_WIDTH = 22, 8, 200


def bar_chart(bars: Sequence[tuple[str, float]], *, title: str, percent: bool = True) -> Markup:
    """Horizontal bars, one per (label, value); values are shares 0–1 when `percent`, shown as per cent."""
    if not bars:
        return Markup("")
    top = max((value for _, value in bars), default=0) or 1
    plot_w = WIDTH - BAR_LABEL_WIDTH - 70
    height = len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, value) in enumerate(bars):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = max(0.0, value) / top * plot_w
        shown = f"{value * 100:.0f} %" if percent else _format(value)
        parts.append(
            f'<text class="chart-tick" x="{BAR_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="chart-bar chart-series-{index % 6}" x="{BAR_LABEL_WIDTH}" y="{y}" width="{width:.1f}" '
            f'height="{BAR_HEIGHT}"/>'
            f'<text class="chart-tick" x="{BAR_LABEL_WIDTH + width + 6:.1f}" y="{y + 15}">{shown}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 (every text above is escaped)

"""Bar charts drawn on the server as SVG: grouped or stacked bars, vertical
(a category per month) or horizontal (long names: insurers, lines), with the
value axis labelled in the reader's number format.

No script (the Content-Security-Policy forbids inline script) and no CSS
(``style-src 'self'`` forbids inline styles too): only SVG presentation
attributes. A chart names itself for assistive technology (``role="img"``,
``<title>``, ``<desc>``) and each bar carries a ``<title>`` with its exact
value, shown on hover; the page puts the data table under the chart.

Values are amounts or counts (``Decimal``, ``int``; ``None`` counts as zero);
geometry is in floats (pixels), the axis ticks stay ``Decimal`` so that their
labels are exact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from babel.numbers import format_decimal
from markupsafe import Markup, escape

PALETTE = ("#2f6fdb", "#f08c2e", "#2fa36b", "#8a5cd6", "#d64545", "#6c757d")
GRID = "#dee2e6"
AXIS = "#6c757d"
TEXT = "#343a40"
WIDTH = 720
FONT = 11
#: about how many ticks the value axis gets
TICKS = 5
LABEL_CHARS = 18


@dataclass(frozen=True)
class Series:
    """One kind of value across the categories (``values[i]`` for category ``i``)."""

    label: str
    values: Sequence[Decimal | int | None]
    color: str | None = None


def _number(value) -> Decimal:
    return Decimal(0) if value is None else Decimal(value)


def nice_step(span: Decimal, count: int = TICKS) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about
    ``count`` intervals over ``span`` (> 0)."""
    raw = span / count
    magnitude = Decimal(1).scaleb(raw.adjusted())
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if raw <= magnitude * factor:
            return magnitude * factor
    return magnitude * 10


def axis_ticks(low: Decimal, high: Decimal, count: int = TICKS) -> list[Decimal]:
    """Ticks from a round value at or below ``min(low, 0)`` to one at or above
    ``max(high, 0)``: the axis always shows zero."""
    low, high = min(low, Decimal(0)), max(high, Decimal(0))
    if low == high:
        return [Decimal(0), Decimal(1)]
    step = nice_step(high - low, count)
    first = (low / step).to_integral_value(ROUND_FLOOR) * step
    last = (high / step).to_integral_value(ROUND_CEILING) * step
    ticks, tick = [], first
    while tick <= last:
        ticks.append(tick.normalize() if tick else Decimal(0))
        tick += step
    return ticks


def extent(series: Sequence[Series], categories: int, stacked: bool) -> tuple[Decimal, Decimal]:
    """The lowest and highest values drawn: each bar's value, or for stacked
    bars the sum of the negative and of the positive parts of a category."""
    if not stacked:
        values = [_number(v) for s in series for v in s.values] or [Decimal(0)]
        return min(values), max(values)
    lows, highs = [], []
    for index in range(categories):
        values = [_number(s.values[index]) for s in series]
        lows.append(sum((v for v in values if v < 0), Decimal(0)))
        highs.append(sum((v for v in values if v > 0), Decimal(0)))
    return min(lows, default=Decimal(0)), max(highs, default=Decimal(0))


def shorten(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[:chars - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    """A bar in value space: its category, series, ``start`` and ``end`` values
    (a stacked part starts where the previous one ended)."""

    category: int
    series: int
    start: Decimal
    end: Decimal


def bars(series: Sequence[Series], categories: int, stacked: bool) -> list[Bar]:
    """The bars to draw, zero-valued ones left out."""
    result = []
    for index in range(categories):
        up = down = Decimal(0)
        for number, one in enumerate(series):
            value = _number(one.values[index])
            if not value:
                continue
            if not stacked:
                result.append(Bar(index, number, Decimal(0), value))
            elif value > 0:
                result.append(Bar(index, number, up, up + value))
                up += value
            else:
                result.append(Bar(index, number, down, down + value))
                down += value
    return result


class _Canvas:
    """Maps values and categories to pixels for one chart's layout."""

    def __init__(self, ticks: list[Decimal], categories: int, plot: tuple[float, float, float, float],
                 horizontal: bool) -> None:
        self.low, self.high = float(ticks[0]), float(ticks[-1])
        self.categories, self.horizontal = categories, horizontal
        self.left, self.top, self.right, self.bottom = plot

    def value(self, value: Decimal) -> float:
        """The pixel position of ``value`` on the value axis."""
        share = (float(value) - self.low) / (self.high - self.low)
        if self.horizontal:
            return self.left + share * (self.right - self.left)
        return self.bottom - share * (self.bottom - self.top)

    def band(self, index: int) -> tuple[float, float]:
        """(start, size) in pixels of category ``index`` on the category axis."""
        start, end = (self.top, self.bottom) if self.horizontal else (self.left, self.right)
        size = (end - start) / self.categories
        return start + index * size, size


def _text(x: float, y: float, content: str, anchor: str = "middle", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" fill="{TEXT}" text-anchor="{anchor}"{extra}>'
            f"{escape(content)}</text>")


def _legend(series: Sequence[Series], y: float, x: float) -> list[str]:
    parts = []
    for number, one in enumerate(series):
        color = one.color or PALETTE[number % len(PALETTE)]
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{color}"/>')
        parts.append(_text(x + 14, y, one.label, "start"))
        x += 24 + 6.5 * len(one.label)
    return parts


def _value_axis(canvas: _Canvas, ticks: list[Decimal], label: Callable[[Decimal], str]) -> list[str]:
    parts = []
    for tick in ticks:
        at = canvas.value(tick)
        color = AXIS if tick == 0 else GRID
        if canvas.horizontal:
            parts.append(f'<line x1="{at:.1f}" y1="{canvas.top:.1f}" x2="{at:.1f}" y2="{canvas.bottom:.1f}" '
                         f'stroke="{color}" stroke-width="1"/>')
            parts.append(_text(at, canvas.bottom + 15, label(tick)))
        else:
            parts.append(f'<line x1="{canvas.left:.1f}" y1="{at:.1f}" x2="{canvas.right:.1f}" y2="{at:.1f}" '
                         f'stroke="{color}" stroke-width="1"/>')
            parts.append(_text(canvas.left - 6, at + 4, label(tick), "end"))
    return parts


def _category_axis(canvas: _Canvas, categories: Sequence[str]) -> list[str]:
    parts = []
    rotate = not canvas.horizontal and len(categories) > 14
    for index, category in enumerate(categories):
        start, size = canvas.band(index)
        middle = start + size / 2
        if canvas.horizontal:
            parts.append(_text(canvas.left - 6, middle + 4, shorten(category, 26), "end"))
        elif rotate:
            parts.append(_text(middle, canvas.bottom + 14, shorten(category), "end",
                               f' transform="rotate(-40 {middle:.1f} {canvas.bottom + 14:.1f})"'))
        else:
            parts.append(_text(middle, canvas.bottom + 16, shorten(category)))
    return parts


def _bar(canvas: _Canvas, bar: Bar, series_count: int, stacked: bool, color: str, title: str) -> str:
    start, size = canvas.band(bar.category)
    group = size * 0.72
    thickness = group if stacked else group / series_count
    offset = start + (size - group) / 2 + (0 if stacked else bar.series * thickness)
    a, b = canvas.value(bar.start), canvas.value(bar.end)
    low, length = min(a, b), max(abs(b - a), 1.0)
    if canvas.horizontal:
        x, y, width, height = low, offset, length, thickness
    else:
        x, y, width, height = offset, low, thickness, length
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{color}">'
            f"<title>{escape(title)}</title></rect>")


def _chart_id(title: str, categories: Sequence[str]) -> str:
    return "chart-" + hashlib.sha1("\x1f".join([title, *categories]).encode()).hexdigest()[:10]


def _layout(categories: Sequence[str], series: Sequence[Series], ticks: list[str],
            horizontal: bool) -> tuple[float, tuple[float, float, float, float]]:
    """(height, plot box (left, top, right, bottom)) of the chart."""
    legend = 24.0 if len(series) > 1 else 6.0
    if horizontal:
        left = 14 + 6.2 * min(max((len(c) for c in categories), default=4), 26)
        bottom = legend + 30 * len(categories)
        return bottom + 24, (left, legend, WIDTH - 34, bottom)
    left = 12 + 6.4 * max(len(t) for t in ticks)
    bottom_margin = 70 if len(categories) > 14 else 28
    height = 280.0
    return height, (left, legend, WIDTH - 10, height - bottom_margin)


def bar_chart(categories: Sequence[str], series: Sequence[Series], *, title: str, locale: str,
              empty: str, stacked: bool = False, horizontal: bool = False, description: str = "",
              value_format: Callable[[Decimal], str] | None = None) -> Markup:
    """An SVG bar chart of ``series`` over ``categories``; ``empty`` (a
    paragraph) when there is nothing to draw (no category, or only zeros).
    ``value_format`` writes a bar's exact value in its ``<title>`` (default:
    the locale's decimal format); the axis uses the locale's number format."""
    if any(len(one.values) != len(categories) for one in series):
        raise ValueError("every series needs one value per category")
    drawn = bars(series, len(categories), stacked)
    if not drawn:
        return Markup('<p class="text-body-secondary small mb-0" data-chart-empty>{}</p>').format(empty)
    number = value_format or (lambda value: format_decimal(value, format="#,##0.##", locale=locale))
    ticks = axis_ticks(*extent(series, len(categories), stacked))
    tick_label = lambda tick: format_decimal(tick, format="#,##0.##", locale=locale)  # noqa: E731
    height, plot = _layout(categories, series, [tick_label(t) for t in ticks], horizontal)
    canvas = _Canvas(ticks, len(categories), plot, horizontal)
    chart_id = _chart_id(title, categories)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
             f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}" '
             f'font-family="system-ui, sans-serif" class="app-chart">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    parts += _value_axis(canvas, ticks, tick_label)
    for bar in drawn:
        one = series[bar.series]
        color = one.color or PALETTE[bar.series % len(PALETTE)]
        label = f"{categories[bar.category]} — {one.label}: {number(bar.end - bar.start)}"
        parts.append(_bar(canvas, bar, len(series), stacked, color, label))
    parts += _category_axis(canvas, categories)
    if len(series) > 1:
        parts += _legend(series, 14, plot[0])
    parts.append("</svg>")
    return Markup("".join(parts))

"""Bar charts drawn on the server as SVG: no script, no inline style.

Each bar carries a `<title>` (its value in words) and every chart is shown beside a table of the
same numbers, its text alternative. Sizes go in SVG attributes (height, width, x, y), which the
content security policy allows; colours come from classes in the style sheet, and the series are
also told apart by a pattern of the stroke (solid or dashed), not by colour alone.
"""

from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 220
LEFT = 40  # room for the value axis
BOTTOM = 36  # room for the week labels
TOP = 12


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)  # (x centre, text)
    baseline: float = 0.0
    left: int = LEFT


def _nice_max(value: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 4:
            return step * 4
    return value


def bar_chart(
    groups: list[tuple[str, list[tuple[float | None, str]]]],
    series_css: list[str],
    *,
    maximum: float | None = None,
    unit: str = "",
) -> Chart:
    """Lay out grouped bars: one group per label, one bar per series (value, title)."""
    plot_height = HEIGHT - BOTTOM - TOP
    plot_width = WIDTH - LEFT - 8
    values = [v for _, bars in groups for v, _ in bars if v is not None]
    top = maximum if maximum is not None else _nice_max(max(values, default=0) or 1)
    chart = Chart(width=WIDTH, height=HEIGHT, baseline=TOP + plot_height)
    for index in range(5):
        value = top * index / 4
        chart.ticks.append(
            Tick(y=TOP + plot_height - plot_height * index / 4, label=f"{value:g}{unit}")
        )
    if not groups:
        return chart
    slot = plot_width / len(groups)
    bar_width = max(2.0, (slot * 0.8) / len(series_css))
    for g, (label, bars) in enumerate(groups):
        start = LEFT + g * slot + slot * 0.1
        chart.labels.append((start + slot * 0.4, label))
        for s, (value, title) in enumerate(bars):
            height = 0.0 if value is None else plot_height * min(value, top) / top
            chart.bars.append(
                Bar(
                    x=round(start + s * bar_width, 1),
                    y=round(TOP + plot_height - height, 1),
                    width=round(bar_width - 1, 1),
                    height=round(height, 1),
                    css=series_css[s],
                    title=title,
                )
            )
    return chart

"""Server-rendered SVG charts, readable without colour: every value is printed, lines differ
by dash pattern and marker as well as colour, the target is a labelled dashed line, and bars
carry their count and share. Each chart has a title and a description for screen readers;
the page shows the same numbers as a table beside it."""

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 96, 24, 40
# (stroke colour, dash pattern, marker) per series: the pattern and marker tell them apart
# when the colour does not.
STYLES = (
    ("#1f4e79", "", "circle"),
    ("#b35900", "8 4", "square"),
    ("#2e7d32", "2 3", "triangle"),
    ("#6a1b9a", "12 4 2 4", "diamond"),
)


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]  # shares 0..1, None where there is nothing to show


def line_chart(title: str, labels: list[str], series: list[Series], target: float | None):
    """Shares over weeks (0–100%), one line per series, the target as a dashed line."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(labels) - 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(share: float) -> float:
        return TOP + plot_h * (1 - max(0.0, min(1.0, share)))

    parts = [_axes(labels, x, y)]
    if target is not None:
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(target):.1f}" y2="{y(target):.1f}"'
            ' class="chart-target" stroke="#c62828" stroke-width="2" stroke-dasharray="6 3"/>'
            f'<text x="{LEFT + plot_w + 4}" y="{y(target) + 4:.1f}" class="chart-label">'
            f"Target {target:.0%}</text>"
        )
    for index, one in enumerate(series):
        style = STYLES[index % len(STYLES)]
        parts.append(_line(one, style, x, y, label_values=index == 0, named=len(series) > 1))
    description = "; ".join(
        f"{one.label}: " + ", ".join(_pct(v) for v in one.values) for one in series
    )
    return _svg(title, description, "".join(parts))


def _axes(labels, x, y) -> str:
    parts = []
    for share in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(share):.1f}" y2="{y(share):.1f}"'
            ' stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y(share) + 4:.1f}" text-anchor="end"'
            f' class="chart-axis">{share:.0%}</text>'
        )
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle"'
                f' class="chart-axis">{escape(label)}</text>'
            )
    return "".join(parts)


def _line(one: Series, style, x, y, *, label_values: bool, named: bool) -> str:
    """One series; its values printed over its points, its name at its end when the chart
    has several (with one, the title names it)."""
    colour, dash, marker = style
    points = [(x(i), y(v), v) for i, v in enumerate(one.values) if v is not None]
    if not points:
        return ""
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    parts = [f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashed}/>']
    for px, py, value in points:
        parts.append(_marker(marker, px, py, colour))
        if label_values:
            parts.append(
                f'<text x="{px:.1f}" y="{py - 8:.1f}" text-anchor="middle"'
                f' class="chart-value" stroke="#fff" stroke-width="3" paint-order="stroke">'
                f"{_pct(value)}</text>"
            )
    last_x, last_y, _ = points[-1]
    if not named:
        return "".join(parts)
    parts.append(
        f'<text x="{last_x + 8:.1f}" y="{last_y + 4:.1f}" class="chart-label">'
        f"{escape(one.label)}</text>"
    )
    return "".join(parts)


def _marker(kind: str, px: float, py: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{px - 3.5:.1f}" y="{py - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    corners = {
        "triangle": ((0, -4.5), (-4.5, 3.5), (4.5, 3.5)),
        "diamond": ((0, -5), (5, 0), (0, 5), (-5, 0)),
    }.get(kind)
    if corners:
        shape = " ".join(f"{px + dx:.1f},{py + dy:.1f}" for dx, dy in corners)
        return f'<polygon points="{shape}" fill="{colour}"/>'
    return f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>'


def bar_chart(title: str, stages: list[tuple[str, int]]):
    """Horizontal bars, widest stage first; each bar is labelled with its count and its share
    of the first stage, and hatched so that it reads in greyscale too."""
    row, label_w = 34, 190
    height = TOP + row * len(stages) + 8
    widest = max([count for _, count in stages] or [0]) or 1
    first = stages[0][1] if stages else 0
    bar_w = WIDTH - label_w - RIGHT
    hatch = "hatch-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    parts = [
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#1f4e79"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>'
    ]
    for i, (label, count) in enumerate(stages):
        top = TOP + i * row
        share = f" ({count / first:.0%})" if first else ""
        parts.append(
            f'<text x="{label_w - 8}" y="{top + 17}" text-anchor="end" class="chart-axis">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{top + 4}" width="{bar_w * count / widest:.1f}"'
            f' height="20" fill="url(#{hatch})" stroke="#1f4e79"/>'
            f'<text x="{label_w + bar_w * count / widest + 6:.1f}" y="{top + 18}"'
            f' class="chart-value">{count}{share}</text>'
        )
    description = "; ".join(f"{label}: {count}" for label, count in stages)
    return _svg(title, description, "".join(parts), height=height)


def _svg(title: str, description: str, body: str, height: int = HEIGHT) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img"'
        f' xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}"'
        ' font-family="system-ui, sans-serif" font-size="11">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>{body}</svg>"
    )


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"

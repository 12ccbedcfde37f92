"""Server-rendered SVG charts: no JavaScript, no chart library, every label escaped."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

PALETTE = ("#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bc4c00", "#0a7b83", "#6e7781")


def stacked_bars(
    weeks: list[str],
    series: dict[str, dict[str, int]],
    *,
    title: str,
    week_names: Callable[[str], tuple[str, str]],
    width: int = 720,
) -> Markup:
    """Weeks on the x axis, one stacked bar per week, one colour per series, with a legend.
    `week_names`: a week's (short, long) name in the page's language (review_ui.weeks)."""
    height, left, bottom, top = 260, 40, 40, 20
    plot_h = height - bottom - top
    totals = [sum(s.get(w, 0) for s in series.values()) for w in weeks]
    peak = max([*totals, 1])
    step = (width - left - 10) / max(len(weeks), 1)
    bar_w = step * 0.7
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 24 * ((len(series) + 3) // 4)}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 5}" y2="{top + plot_h}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="axis">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" class="axis">0</text>',
    ]
    for i, week in enumerate(weeks):
        short, long = week_names(week)
        x = left + i * step + (step - bar_w) / 2
        y = top + plot_h
        for j, (name, counts) in enumerate(series.items()):
            value = counts.get(week, 0)
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                f"<title>{escape(name)} · {escape(long)}: {value}</title></rect>"
            )
        if totals[i]:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" class="value">{totals[i]}</text>'
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" class="axis">{escape(short)}</text>'
        )
    for j, name in enumerate(series):
        lx, ly = left + (j % 4) * 170, height + 4 + 24 * (j // 4)
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>')
        parts.append(f'<text x="{lx + 18}" y="{ly + 11}" class="legend">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def share_bar(share: float, *, width: int = 360) -> Markup:
    filled = max(0.0, min(1.0, share)) * width
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 24" class="share" role="img" '
        f'aria-label="{share * 100:.0f}%"><rect width="{width}" height="24" fill="#e6e6e6"/>'
        f'<rect width="{filled:.1f}" height="24" fill="#1a7f37"/></svg>'
    )

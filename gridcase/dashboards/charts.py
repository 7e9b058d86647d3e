"""Charts drawn on the server as inline SVG: no chart library, no CDN, the same in the PDF."""

from datetime import date

from django.utils.safestring import mark_safe

from gridcase.dashboards.maps import to_mercator

OUTCOME_COLOURS = {"settled": "#2c8a4b", "not_settled": "#d2462c"}
RAG_COLOURS = {"green": "#2c8a4b", "amber": "#d99a1c", "red": "#c0392b", "": "#7a8794"}


def sparkline(values: list[float | None], *, width: int = 120, height: int = 28, colour: str = "#1f5fa8") -> str:
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1
    step = width / (len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
                      for i, v in enumerate(values) if v is not None)
    return mark_safe(f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
                     f'role="img" aria-hidden="true"><polyline fill="none" stroke="{colour}" stroke-width="1.5" '
                     f'points="{points}"/></svg>')


def axis_step(peak: int, ticks: int = 4) -> int:
    """The smallest round whole step (1, 2, 5, 10, 20, 25, 50, …) that reaches `peak` in `ticks`
    steps: a count axis reads 0, 1, 2, 3, 4 — never 1, 1, 0, 0, 0."""
    need = max(peak, 1) / ticks
    scale = 1
    while True:
        for base in (1, 2, 2.5, 5):
            step = base * scale
            if step == int(step) and step >= need:
                return int(step)
        scale *= 10


def month_labels(months: list[date]) -> list[tuple[str, str]]:
    """(month, year) under each bar: the year under the first month and under every January."""
    return [(f"{m.month}月", f"{m.year}年" if i == 0 or m.month == 1 else "") for i, m in enumerate(months)]


def trend_chart(*, months: list[date], rates: list[float | None], settled: list[int], not_settled: list[int],
                target: float | None, width: int = 640, height: int = 260) -> str:
    """Stacked bars of outcomes (left axis, whole cases) and the success rate line (right axis, %)
    with the target as a dashed line; months named with their year. Nothing to draw: a sentence."""
    if not any(settled) and not any(not_settled):
        return mark_safe('<p class="empty trend-empty">这 12 个月没有调解结束的案件，暂无趋势可看。</p>')
    left, right, top, bottom = 40, 40, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(months), 1)
    slot = plot_w / n
    step = axis_step(max(s + f for s, f in zip(settled, not_settled, strict=True)))
    peak = step * 4
    parts = [f'<svg class="trend" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="调解成功率月度趋势" xmlns="http://www.w3.org/2000/svg" font-size="11" font-family="sans-serif">',
             f'<text x="{left - 4}" y="{top - 10}" text-anchor="end" fill="#5b6876">件</text>',
             f'<text x="{width - right + 4}" y="{top - 10}" fill="#5b6876">成功率</text>']
    for i in range(5):
        y = top + plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7eb"/>')
        parts.append(f'<text class="tick-cases" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" '
                     f'fill="#5b6876">{step * (4 - i)}</text>')
        parts.append(f'<text class="tick-rate" x="{width - right + 4}" y="{y + 4:.1f}" fill="#5b6876">{100 - 25 * i}%</text>')
    for i, (month, year) in enumerate(month_labels(months)):
        x = left + i * slot + slot * 0.2
        base = top + plot_h
        label = f"{months[i].year}年{month}"
        for value, colour, what in ((settled[i], OUTCOME_COLOURS["settled"], "调解成功"),
                                    (not_settled[i], OUTCOME_COLOURS["not_settled"], "调解不成/转办")):
            h = plot_h * value / peak
            parts.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" '
                         f'fill="{colour}" opacity="0.75"><title>{label}{what}：{value} 件</title></rect>')
            base -= h
        centre = left + (i + 0.5) * slot
        parts.append(f'<text x="{centre:.1f}" y="{height - 24}" text-anchor="middle" fill="#5b6876">{month}</text>')
        if year:
            parts.append(f'<text class="year" x="{centre:.1f}" y="{height - 10}" text-anchor="middle" '
                         f'fill="#1d2733">{year}</text>')
    if target is not None:
        y = top + plot_h * (1 - target / 100)
        parts.append(f'<line class="target" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#c0392b" stroke-dasharray="6 4"/><text x="{left + 4}" y="{y - 4:.1f}" '
                     f'fill="#c0392b">目标 {target:g}%</text>')
    points = [f"{left + (i + 0.5) * slot:.1f},{top + plot_h * (1 - r / 100):.1f}" for i, r in enumerate(rates)
              if r is not None]
    if points:
        parts.append(f'<polyline class="rate" fill="none" stroke="#1f5fa8" stroke-width="2" points="{" ".join(points)}"/>')
        parts += [f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3" fill="#1f5fa8"/>' for p in points]
    parts.append("</svg>")
    return mark_safe("".join(parts))


def heat_map(*, bins: dict, outlines: list, width: int = 600) -> str:
    """The heat bins over the territory's outlines (GEOS geometries), as a static SVG for the PDF."""
    rings = [[to_mercator(x, y) for x, y in ring] for geom in outlines if geom for poly in geom for ring in poly]
    if not rings:
        return ""
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    scale = width / ((x1 - x0) or 1)
    height = round((y1 - y0) * scale) or 1

    def px(x, y):
        return f"{(x - x0) * scale:.1f},{(y1 - y) * scale:.1f}"

    parts = [f'<svg class="heat" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="案件热力图">']
    peak = bins.get("max") or 1
    for feature in bins.get("features", []):
        (sw, _, ne, _, _), = [feature["geometry"]["coordinates"][0]]
        (ax, ay), (bx, by) = to_mercator(*sw), to_mercator(*ne)
        share = feature["properties"]["count"] / peak
        parts.append(f'<rect x="{(ax - x0) * scale:.1f}" y="{(y1 - by) * scale:.1f}" width="{(bx - ax) * scale:.1f}" '
                     f'height="{(by - ay) * scale:.1f}" fill="{heat_colour(share)}" fill-opacity="0.8"/>')
    for ring in rings:
        parts.append(f'<polygon points="{" ".join(px(x, y) for x, y in ring)}" fill="none" stroke="#1f5fa8" stroke-width="1"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def heat_colour(share: float) -> str:
    """Yellow (few) to dark red (most)."""
    stops = [(255, 237, 160), (254, 178, 76), (240, 59, 32), (128, 0, 38)]
    position = max(0.0, min(share, 1.0)) * (len(stops) - 1)
    i = min(int(position), len(stops) - 2)
    t = position - i
    r, g, b = (round(a + (c - a) * t) for a, c in zip(stops[i], stops[i + 1], strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"

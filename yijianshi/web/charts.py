"""A server-rendered SVG bar chart of the four reform figures against their targets (no JavaScript needed,
so it prints, works offline and is readable by screen readers through its title and table)."""

from __future__ import annotations

from html import escape

from yijianshi.catalog.engine import Figures
from yijianshi.catalog.engine.figures import TARGETS

from .templatetags.bilingual import tr

LABELS = {
    "fields_auto_share": ("表单字段自动生成率", "Form fields generated"),
    "materials_reduction": ("申请材料减少", "Fewer materials"),
    "time_reduction": ("办理时间压缩", "Less time"),
    "steps_reduction": ("办事环节精简", "Fewer steps"),
}


def reductions_chart(figures: Figures, *, width: int = 640) -> str:
    bar_h, gap, left, top = 28, 18, 190, 30
    scale = width - left - 60
    height = top + len(LABELS) * (bar_h + gap) + 20
    title = tr("四项改革指标与目标", "The four reform figures against their targets")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for i, (key, (zh, en)) in enumerate(LABELS.items()):
        value = float(getattr(figures, key))
        target = TARGETS[key]
        y = top + i * (bar_h + gap)
        met = value >= target
        colour = "#1f7a3a" if met else "#b3261e"
        parts.append(
            f'<text x="{left - 10}" y="{y + bar_h * 0.68}" text-anchor="end" font-size="14">'
            f"{escape(tr(zh, en))}</text>"
        )
        parts.append(f'<rect x="{left}" y="{y}" width="{scale}" height="{bar_h}" fill="#eceff3"/>')
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(0.0, value) * scale:.1f}" height="{bar_h}" '
            f'fill="{colour}"><title>{value * 100:.1f}%</title></rect>'
        )
        tx = left + target * scale
        parts.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y - 4}" y2="{y + bar_h + 4}" stroke="#111" '
            f'stroke-width="2" stroke-dasharray="4 2"/>'
        )
        parts.append(
            f'<text x="{left + scale + 6}" y="{y + bar_h * 0.68}" font-size="13">{value * 100:.0f}%</text>'
        )
        parts.append(
            f'<text x="{tx + 3:.1f}" y="{y - 6}" font-size="11">{escape(tr("目标", "target"))} '
            f"{target * 100:.0f}%</text>"
        )
    parts.append("</svg>")
    return "".join(parts)

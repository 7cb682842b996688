"""The dashboard's chart as a server-rendered SVG (pygal), safe under the strict CSP.

The page embeds the SVG with <img>, so it runs no script even if it had one; still, pygal
always writes a configuration <script> (and by default loads its tooltips from a CDN), so the
chart is configured without JavaScript and its <script> elements are removed. The SVG keeps its
inline <style>, which its own response's Content-Security-Policy allows and nothing else.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pygal
from flask_babel import format_date
from flask_babel import gettext as _
from pygal.style import Style

from casework.recommendations.dashboard import MonthRow

CHART_SIZE = (740, 340)  # drawn at about its natural size in two thirds of the page
# For the SVG response only: its inline styles, no scripts, no fetches of any kind.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"
SVG_MEDIA_TYPE = "image/svg+xml"

FONT = '"Segoe UI", "Noto Sans", "DejaVu Sans", Roboto, Arial, sans-serif'
# The app's colours (app.css): brand blue for issued, green for implemented.
CHART_STYLE = Style(
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    legend_font_family=FONT,
    value_font_family=FONT,
    title_font_family=FONT,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1c2430",
    foreground_strong="#1c2430",
    foreground_subtle="#5b6675",
    colors=("#1d4e89", "#1f7a3d"),
    value_colors=("#1c2430", "#1c2430"),
    opacity="1",
    opacity_hover="1",
    guide_stroke_color="#d9dee5",
    major_guide_stroke_color="#d9dee5",
    guide_stroke_dasharray="0",
    major_guide_stroke_dasharray="0",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=11,
    no_data_font_size=20,
)


def month_labels(months: Sequence[MonthRow]) -> list[str]:
    """"нояб.", "дек.", "янв."...: the months in the reader's language, short and without the
    year, so that twelve labels never overlap (the subtitle above the chart names the period)."""
    return [format_date(row.month, "LLL") for row in months]


def month_title(row: MonthRow) -> str:
    """"ноябрь 2026", "Қараша 2026", "November 2026", for the chart's table."""
    return format_date(row.month, "LLLL yyyy")


def without_scripts(root: Any) -> Any:
    """pygal's xml filter: drop every <script> it wrote (a CSP-strict page needs none)."""
    for parent in list(root.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def whole_number_ticks(largest: int, most: int = 6) -> list[int]:
    """Counts are whole: at most `most` steps of a round size (1, 2, 5, 10, 20, 50...)."""
    step = next(size * 10**power for power in itertools.count() for size in (1, 2, 5)
                if largest <= most * size * 10**power)
    return list(range(0, largest + step, step))


def monthly_chart(months: Sequence[MonthRow]) -> str:
    """Recommendations issued and found implemented per month, as grouped bars."""
    chart = pygal.Bar(
        style=CHART_STYLE,
        width=CHART_SIZE[0],
        height=CHART_SIZE[1],
        explicit_size=True,  # an <img> needs an intrinsic size
        js=[],  # no tooltip script from a CDN
        disable_xml_declaration=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        print_values=True,
        print_values_position="top",
        print_zeroes=False,
        x_label_rotation=0,
        truncate_label=-1,
        margin_bottom=8,
    )
    chart.add_xml_filter(without_scripts)
    chart.x_labels = month_labels(months)
    largest = max((max(row.issued, row.implemented) for row in months), default=0)
    chart.y_labels = whole_number_ticks(max(largest, 1))
    chart.add(_("Issued"), [row.issued for row in months])
    chart.add(_("Found implemented"), [row.implemented for row in months])
    return chart.render(is_unicode=True)

"""A statistics table as a bar chart: a server-rendered pygal SVG without any script, the same
drawing on the page and in the annual report's PDF.

The SVG travels as a `data:` URI inside an <img> (the page's CSP allows `img-src data:`), so
a chart needs no route of its own and always shows the very figures of its table; an image
runs no script in any case, and pygal's are removed anyway (recommendations/charts.py). In
the PDF the labels use the letters' bundled font, so the report looks the same on any host.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import pygal
from pygal.style import Style

from casework.recommendations.charts import CHART_STYLE, FONT, whole_number_ticks, without_scripts
from casework.reports.sections import Table

WIDTH = 740
LABEL_CHARACTERS = 40  # longer names are cut short in the chart; the table has them whole
LEGEND_LINE = 24
ROW_HEIGHT = 16  # per bar
GROUP_GAP = 12  # between rows of bars
# Brand blue, green, amber, grey, in the order of a chart's series unless a column has its
# own: told apart also in greyscale print.
COLOURS = ("#1d4e89", "#1f7a3d", "#b54708", "#6b7280")
PDF_FONT = '"Letter Serif", "DejaVu Sans", serif'  # casework/letters/assets/letter.css


@dataclass(frozen=True)
class Chart:
    svg: str
    width: int
    height: int

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def shorten(label: str) -> str:
    """A label of at most LABEL_CHARACTERS, cut at a word when it can be, with "…"."""
    if len(label) <= LABEL_CHARACTERS:
        return label
    cut = label[:LABEL_CHARACTERS - 1]
    if " " in cut[LABEL_CHARACTERS // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:(") + "…"


def without_comments(root: Any) -> Any:
    """pygal's xml filter: drop its comments (its version, the day, its web addresses)."""
    for parent in list(root.iter()):
        for child in list(parent):
            if callable(child.tag):  # ElementTree's and lxml's comments have a function tag
                parent.remove(child)
    return root


def _style(font: str, colours: tuple[str, ...] = COLOURS) -> Style:
    fonts = dict.fromkeys((
        "font_family", "label_font_family", "major_label_font_family", "legend_font_family",
        "value_font_family", "title_font_family"), font)
    return Style(**{**CHART_STYLE.__dict__, **fonts, "colors": colours,
                    "value_colors": ("#1c2430",) * len(colours)})


def table_chart(table: Table, *, for_pdf: bool = False) -> Chart | None:
    """Horizontal bars, a row of the table per group, its charted columns as series, in the
    table's order from the top; None for a table with nothing to draw."""
    columns = table.charted
    if table.is_empty or not columns:
        return None
    series = len(columns)
    legend = LEGEND_LINE * series if series > 1 else 0
    height = 60 + legend + len(table.chart_rows) * (series * ROW_HEIGHT + GROUP_GAP)
    chart = pygal.HorizontalBar(
        style=_style(PDF_FONT if for_pdf else FONT, tuple(
            table.columns[index].colour or default
            for index, default in zip(columns, COLOURS, strict=False))),
        width=WIDTH,
        height=height,
        explicit_size=True,  # an <img> needs an intrinsic size
        js=[],  # no tooltip script from a CDN
        disable_xml_declaration=True,
        show_legend=series > 1,
        legend_at_bottom=True,
        # One series a line: beside each other, long names ran into one another.
        legend_at_bottom_columns=1,
        print_values=False,  # the table beside the chart has the figures
        truncate_legend=-1,
        margin=8,
        spacing=8,
    )
    chart.add_xml_filter(without_scripts)
    chart.add_xml_filter(without_comments)
    # pygal draws the first label at the bottom: reversed, the chart reads like the table.
    rows = list(reversed(table.chart_rows))
    chart.x_labels = [shorten(row.label) for row in rows]
    largest = max(int(row.figures[index].value or 0) for row in rows for index in columns)
    chart.y_labels = whole_number_ticks(max(largest, 1))
    for index in columns:
        chart.add(table.columns[index].heading,
                  [int(row.figures[index].value or 0) for row in rows])
    return Chart(chart.render(is_unicode=True), WIDTH, height)

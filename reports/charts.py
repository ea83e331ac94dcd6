"""Charts drawn on the server as inline SVG with pygal: no script, nothing fetched by the browser.

Each SVG is an image with a name and a description (`role="img"`, `<title>`, `<desc>` with the
figure's summary), and the table under it holds every number, so the chart is never the only way
to read a figure. Series differ by more than colour: lines are dashed differently and bars carry
their values as text.
"""

from __future__ import annotations

import html
import re

import pygal
from pygal.style import Style

from reports.domain.figures import Figure, cell_text, column_heading

# Dark enough on white for text and marks (WCAG contrast above 4.5:1 for the first five).
PALETTE = ("#0b5394", "#b45f06", "#38761d", "#741b47", "#434343", "#990000")
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=PALETTE,
    font_family="system-ui, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    value_font_size=11,
    title_font_size=15,
)
DASHES = ("", "8,4", "2,3", "10,3,2,3")
CHARTS = {"bar": pygal.Bar, "stacked": pygal.StackedBar, "line": pygal.Line, "hbar": pygal.HorizontalBar}


def _value_format(unit: str):
    if unit == "percent":
        return lambda v: "" if v is None else f"{100 * v:.0f} %" if abs(v) >= 0.1 else f"{100 * v:.1f} %"
    if unit == "hours":
        return lambda v: "" if v is None else f"{v:.1f} h"
    return lambda v: "" if v is None else f"{v:g}"


def _peak(figure: Figure) -> float:
    return max((v for _, values in figure.series for v in values if v is not None), default=0)


def chart_svg(figure: Figure, *, chart_id: str) -> str:
    """The figure's chart as SVG markup for the page, or "" for a figure drawn as a table only."""
    kind = CHARTS.get(figure.chart)
    if kind is None or not figure.labels:
        return ""
    many = len(figure.labels) > 16
    chart = kind(
        style=STYLE,
        js=[],  # pygal's tooltips script would come from a CDN: none
        disable_xml_declaration=True,
        width=800,
        height=max(320, 28 * len(figure.labels) + 120) if figure.chart == "hbar" else 360,
        show_legend=len(figure.series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(4, max(1, len(figure.series))),
        x_label_rotation=45 if many else 0,
        show_minor_x_labels=not many,
        x_labels_major_every=max(1, len(figure.labels) // 12) if many else None,
        print_values=figure.chart in ("bar", "hbar") and len(figure.labels) <= 16,
        value_formatter=_value_format(figure.unit),
        truncate_label=-1,
        # Utilisation reads against 100 %; small rates (no-shows at 5 %) against their own scale.
        range=(0, 1) if figure.unit == "percent" and _peak(figure) > 0.5 else None,
        include_x_axis=True,
        margin=16,
        no_data_text="No data for this period",
    )
    chart.x_labels = figure.labels
    for index, (name, values) in enumerate(figure.series):
        dash = DASHES[index % len(DASHES)]
        chart.add(name, values, stroke_style={"width": 2.5, "dasharray": dash} if dash else {"width": 2.5})
    svg = chart.render(is_unicode=True)
    return _accessible(svg, figure, chart_id)


def _accessible(svg: str, figure: Figure, chart_id: str) -> str:
    title, desc = f"{chart_id}-title", f"{chart_id}-desc"
    svg = re.sub(r"<title>.*?</title>", "", svg, count=1, flags=re.S)
    # pygal's inline config script (the CSP refuses inline scripts) and its generator comments.
    svg = re.sub(r"<script\b.*?</script>|<!--.*?-->", "", svg, flags=re.S)
    opening = re.match(r"<svg[^>]*>", svg)
    if opening is None:
        return ""
    head = opening.group(0)[:-1] + f' role="img" aria-labelledby="{title}" aria-describedby="{desc}" focusable="false">'
    labels = (
        f'<title id="{title}">{html.escape(figure.title)}</title><desc id="{desc}">{html.escape(figure.summary)}</desc>'
    )
    return head + labels + svg[opening.end() :]


def page_figures(report) -> list[dict]:
    """Each figure with its chart's SVG and its table in words; a heat map's cells get a shade
    from 1 to 4 (0 for none) besides their number."""
    prepared = []
    for index, figure in enumerate(report.figures):
        columns = figure.table.columns
        heat = figure.chart == "heatmap"
        top = max((v for row in figure.table.rows for v in row[1:]), default=0) if heat else 0
        rows = [
            [
                {
                    "text": cell_text(value, column.kind),
                    "shade": (0 if not value else 1 + min(3, int(4 * value / (top + 1)))) if heat and n else None,
                }
                for n, (value, column) in enumerate(zip(row, columns, strict=True))
            ]
            for row in figure.table.rows
        ]
        prepared.append(
            {
                "figure": figure,
                "svg": chart_svg(figure, chart_id=f"{report.slug}-{index}"),
                "headings": [column_heading(column) for column in columns],
                "rows": rows,
                "heat": heat,
            }
        )
    return prepared

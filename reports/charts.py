"""The dashboards' charts: horizontal bar charts as plain data, drawn as inline SVG by
`templates/reports/includes/chart.html` (no JavaScript, nothing from a CDN, fine under a strict
Content-Security-Policy, sharp in print).

Every chart has a title and a description that reads out all its values (its text
alternative); every bar carries its label and its value in words, so colour is never the only
signal. Colours come from the Okabe-Ito palette, which people with any common colour vision
deficiency tell apart; the part of a whole that is missing (results not covered, countries not
reached) is hatched, not just paler. Geometry is in the units of a fixed viewBox, so a chart
scales to its column.
"""

from dataclasses import dataclass, field

from activities.models import Activity

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour vision.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
STATUS_COLOURS = {
    Activity.Status.PLANNED: OKABE_ITO["sky blue"],
    Activity.Status.ONGOING: OKABE_ITO["orange"],
    Activity.Status.SUSPENDED: OKABE_ITO["vermillion"],
    Activity.Status.COMPLETED: OKABE_ITO["bluish green"],
}
PART_COLOUR = OKABE_ITO["blue"]  # the covered or reached part of a whole
WOMEN_COLOUR, MEN_COLOUR = OKABE_ITO["reddish purple"], OKABE_ITO["bluish green"]
INK = "#1b1f24"  # text, outlines and hatching: black enough to print

# The viewBox: labels on the left, bars in the middle, values on the right.
WIDTH = 560
LABEL_WIDTH = 130
BAR_AREA = 290
BAR_HEIGHT = 24
ROW_HEIGHT = 34
TOP = 8
LEGEND_HEIGHT = 32


@dataclass(frozen=True)
class Bar:
    """A row of a chart: its label, a solid part, for a part-of-whole bar the hatched rest,
    and its value in words after the bar."""

    label: str
    text: str
    colour: str
    y: int
    width: float
    rest: float = 0

    @property
    def x(self):
        return LABEL_WIDTH

    @property
    def rest_x(self):
        return LABEL_WIDTH + self.width

    @property
    def label_x(self):
        return LABEL_WIDTH - 8

    @property
    def text_x(self):
        return LABEL_WIDTH + self.width + self.rest + 8

    @property
    def text_y(self):
        return self.y + BAR_HEIGHT / 2

    @property
    def height(self):
        return BAR_HEIGHT


@dataclass(frozen=True)
class LegendKey:
    """A key of a part-of-whole chart's legend: a solid or hatched swatch and its words."""

    label: str
    hatched: bool
    x: int
    y: int

    @property
    def text_x(self):
        return self.x + 22

    @property
    def text_y(self):
        return self.y + 7


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart. `id` is unique on the page: it prefixes the ids of the chart's
    title, description and hatch pattern."""

    id: str
    title: str
    desc: str
    bars: list
    legend: list = field(default_factory=list)
    colour: str = PART_COLOUR  # of the solid part, in the legend

    @property
    def width(self):
        return WIDTH

    @property
    def height(self):
        return TOP + len(self.bars) * ROW_HEIGHT + (LEGEND_HEIGHT if self.legend else 0)

    @property
    def title_id(self):
        return f"{self.id}-title"

    @property
    def desc_id(self):
        return f"{self.id}-desc"

    @property
    def hatch_id(self):
        return f"{self.id}-hatch"


def _describe(summary, bars):
    return f"{summary} " + "; ".join(f"{bar.label}: {bar.text}" for bar in bars) + "."


def bar_chart(chart_id, title, summary, items):
    """A chart of plain bars, the longest for the largest value. `items`: (label, value,
    colour); `summary` opens the description, which then reads out every value."""
    largest = max((value for _, value, _ in items), default=0)
    bars = [
        Bar(
            label=label,
            text=f"{value:,}",
            colour=colour,
            y=TOP + n * ROW_HEIGHT,
            width=round(BAR_AREA * value / largest, 1) if largest else 0,
        )
        for n, (label, value, colour) in enumerate(items)
    ]
    return Chart(chart_id, title, _describe(summary, bars), bars)


def share_chart(chart_id, title, summary, items, part_word, rest_word):
    """A chart of part-of-whole bars, each as long as its whole: the part solid, the rest
    hatched. `items`: (label, part, whole); `part_word`/`rest_word` name them in the legend
    ("covered", "not covered")."""
    bars = []
    for n, (label, part, whole) in enumerate(items):
        share = part / whole if whole else 0
        bars.append(
            Bar(
                label=label,
                text=f"{part:,} of {whole:,} ({round(100 * share)}%)" if whole else "none",
                colour=PART_COLOUR,
                y=TOP + n * ROW_HEIGHT,
                width=round(BAR_AREA * share, 1),
                rest=round(BAR_AREA * (1 - share), 1) if whole else 0,
            )
        )
    legend_y = TOP + len(bars) * ROW_HEIGHT + 8
    legend = [
        LegendKey(part_word.capitalize(), hatched=False, x=LABEL_WIDTH, y=legend_y),
        LegendKey(rest_word.capitalize(), hatched=True, x=LABEL_WIDTH + 150, y=legend_y),
    ]
    return Chart(chart_id, title, _describe(summary, bars), bars, legend)


# --- The charts of a region's dashboard, from its RegionFigures


def status_chart(figures):
    return bar_chart(
        "chart-status",
        f"Activities by status, {figures.year}",
        "Number of activities of each status.",
        [
            (label, figure.value, STATUS_COLOURS[status])
            for status, label, figure in figures.activities_by_status
        ],
    )


def coverage_chart(figures):
    return share_chart(
        "chart-coverage",
        f"Expected results covered per initiative, {figures.year}",
        "Expected results with at least one ongoing or completed activity, of all the "
        "initiative's expected results.",
        [(i.initiative.code, i.covered.value, len(i.results)) for i in figures.initiatives],
        "covered",
        "not covered",
    )


def reach_chart(figures):
    return share_chart(
        "chart-reach",
        f"Countries reached, {figures.year}",
        "Countries of the region reached by at least one ongoing or completed activity, "
        "of all its countries and of those in each group.",
        [(reach.label, reach.reached.value, reach.total.value) for reach in figures.reach],
        "reached",
        "not reached",
    )


def people_chart(figures):
    people = figures.people_reached
    return bar_chart(
        "chart-people",
        f"People reached by sex, {figures.year}",
        "People reached according to the approved progress reports of the year.",
        [("Women", people["women"], WOMEN_COLOUR), ("Men", people["men"], MEN_COLOUR)],
    )


def region_charts(figures):
    """The region dashboard's charts, by name."""
    return {
        "status": status_chart(figures),
        "coverage": coverage_chart(figures),
        "reach": reach_chart(figures),
        "people": people_chart(figures),
    }

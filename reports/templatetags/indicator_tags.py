"""Display helpers of the indicators: how far each expected result has come against its targets.
`{% load indicator_tags %}`, then:

- `{{ figures.actual|indicator_value:figures.indicator }}`: a value of the indicator in its unit
  ("1,200", "45%", "Yes", "Adopted"), or a dash that a screen reader reads as "none".
- `{{ figures.change|indicator_change:figures.indicator }}`: the change since the previous
  quarter, signed ("+12", "no change", or a minus sign's "-3").
- `{{ figures.percent|percent_of_target }}`: "45%" of the target, or a dash.
- `{{ status|status_badge }}`: a status of reports.queries.indicators in words, with a mark;
  the colour only repeats them. `{% result_status_badge figures result %}` and
  `{% initiative_status_badge figures initiative %}`: an expected result's or an initiative's
  rolled-up status, for the region's `figures`.
- `{% indicator_trend figures %}`: the year's quarters as a small inline SVG line, drawn here
  (no JavaScript, no style attribute: fine under the Content-Security-Policy), whose
  aria-label reads out every value.
"""

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join

from activities.forms import indicator_value_in_words
from activities.services import plain_number
from initiatives.models import Indicator
from reports.queries.indicators import Status

register = template.Library()

NONE = format_html(
    '<span aria-hidden="true">—</span><span class="visually-hidden"> {}</span>', "none"
)

# A mark for each status, so that it never rests on colour alone (the word is always there).
STATUS_MARKS = {
    Status.ON_TRACK: "✓",
    Status.AT_RISK: "!",
    Status.OFF_TRACK: "✗",
    Status.NOT_STARTED: "○",
    Status.NO_TARGET: "–",
}


def value_in_words(indicator, value):
    """`value` of `indicator` in plain text; None for no value."""
    if value is None:
        return None
    if indicator.unit == Indicator.Unit.MILESTONE and value != value.to_integral_value():
        # An average of milestones (several activities' latest) lies between two steps.
        return f"{plain_number(value)} of {Indicator.MILESTONES[-1][0]}"
    return indicator_value_in_words(indicator, value)


@register.filter
def indicator_value(value, indicator):
    """A value of `indicator` as the user reads it, or a dash read as "none"."""
    words = value_in_words(indicator, value)
    return NONE if words is None else words


@register.filter
def indicator_change(change, indicator):
    """The change since the previous quarter: "+12", "no change", or a drop after a minus sign
    (U+2212, which screen readers read as "minus")."""
    if change is None:
        return NONE
    if change == 0:
        return "no change"
    shown = formats.number_format(plain_number(abs(change)), force_grouping=True)
    unit = " points" if indicator.unit == Indicator.Unit.PERCENT else ""
    sign = "+" if change > 0 else "\N{MINUS SIGN}"
    return f"{sign}{shown}{unit}"


@register.filter
def percent_of_target(percent):
    """Progress toward the target in percent, or a dash read as "none"."""
    return NONE if percent is None else f"{percent}%"


@register.filter
def status_badge(status):
    """A status as a badge: its mark (hidden from screen readers) and its label."""
    status = Status(status)
    return format_html(
        '<span class="indicator-status indicator-status-{}"><span aria-hidden="true">{} </span>'
        "{}</span>",
        status.value.replace("_", "-"),
        STATUS_MARKS[status],
        status.label,
    )


@register.simple_tag
def result_status_badge(figures, result):
    """The status of the expected result `result` in the region's `figures`."""
    return status_badge(figures.result_status(result))


@register.simple_tag
def initiative_status_badge(figures, initiative):
    """The status of `initiative` in the region's `figures`."""
    return status_badge(figures.initiative_status(initiative))


# The trend's drawing, in the units of its viewBox: four quarters across, values up.
TREND_WIDTH, TREND_HEIGHT, TREND_PAD = 100, 32, 5


def _x(quarter):
    return TREND_PAD + (quarter - 1) * (TREND_WIDTH - 2 * TREND_PAD) / 3


def _y(value, top):
    if not top:
        return TREND_HEIGHT - TREND_PAD
    return TREND_HEIGHT - TREND_PAD - float(value / top) * (TREND_HEIGHT - 2 * TREND_PAD)


@register.simple_tag
def indicator_trend(figures):
    """The actual by the end of each quarter of the year so far (an IndicatorFigures' trend), as
    a small line with a dot per quarter, and the target as a dashed line when there is one. A
    computed indicator, or a year not begun, has no trend: a dash read as "no trend"."""
    indicator, points = figures.indicator, figures.trend
    if not points:
        return format_html(
            '<span aria-hidden="true">—</span><span class="visually-hidden"> {}</span>', "no trend"
        )
    values = [value for _, value in points if value is not None]
    target = figures.target
    top = max([*values, target or Decimal(0)]) if values or target else Decimal(0)
    said = [
        f"Q{quarter} {value_in_words(indicator, value) or 'no value'}" for quarter, value in points
    ]
    label = f"{indicator.full_code} by quarter of {figures.year}: {', '.join(said)}"
    if target is not None:
        label += f"; target {value_in_words(indicator, target)}"
    shapes = []
    if target is not None and top:
        y = _y(target, top)
        shapes.append(
            format_html(
                '<line class="indicator-trend-target" x1="0" y1="{y}" x2="{w}" y2="{y}" '
                'stroke="#4a5562" stroke-width="1" stroke-dasharray="3 2"/>',
                y=f"{y:.1f}",
                w=TREND_WIDTH,
            )
        )
    drawn = [(_x(quarter), _y(value, top)) for quarter, value in points if value is not None]
    if len(drawn) > 1:
        shapes.append(
            format_html(
                '<polyline class="indicator-trend-line" points="{}" fill="none" '
                'stroke="#0072B2" stroke-width="2"/>',
                " ".join(f"{x:.1f},{y:.1f}" for x, y in drawn),
            )
        )
    shapes.append(
        format_html_join(
            "",
            '<circle class="indicator-trend-point" cx="{}" cy="{}" r="2.5" fill="#0072B2"/>',
            ((f"{x:.1f}", f"{y:.1f}") for x, y in drawn),
        )
    )
    return format_html(
        '<svg class="indicator-trend" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-label="{label}" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">{shapes}</svg>',
        w=TREND_WIDTH,
        h=TREND_HEIGHT,
        label=label,
        shapes=format_html_join("", "{}", ((shape,) for shape in shapes)),
    )

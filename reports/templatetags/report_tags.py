"""Display helpers of the reports' pages. `{% load report_tags %}`, then:

- `{{ figure|figure_link }}`: a number of a dashboard (a `reports.queries.scope.Figure`) as the link
  to the list of exactly what it counts: `<a class="figure-link" href="…">1,490</a>`.
- `{% figure_of part whole %}`: "3 of 5", a part and its whole (Figures), each a link.
- `{{ percent|percent }}`: the latest approved percent complete ("40%"), or a dash that says
  there is no approved report.
- `{{ covered|covered_flag }}`, `{{ reached|reached_flag }}`: covered or not, reached or not, in
  words and with a mark; the colour only repeats them.
- `{% table_downloads figures "matrix" "the matrix" period_query %}`: the CSV and XLSX links of
  a dashboard table (its name in `reports.exports.TABLES`, then in words) for the period.
- `{% cached figures_cache "region-dashboard" [vary_on …] %}…{% endcached %}`: the block as
  first rendered, kept by the page's `reports.cache.FiguresCache` until data changes (and
  rendered once however many ask for it at once).

Country groups (`group_badges`, `group_abbr`) are in `initiative_tags` (reference data).
"""

import hashlib

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.tag
def cached(parser, token):
    """`{% cached figures_cache "name" [vary_on …] %}…{% endcached %}`: like Django's `{% cache
    %}`, with the key and time of a FiguresCache, computed once however many ask at once."""
    figures_cache, name, *vary_on = [
        parser.compile_filter(bit) for bit in token.split_contents()[1:]
    ]
    nodelist = parser.parse(("endcached",))
    parser.delete_first_token()
    return CachedNode(nodelist, figures_cache, name, vary_on)


class CachedNode(template.Node):
    def __init__(self, nodelist, figures_cache, name, vary_on):
        self.nodelist = nodelist
        self.figures_cache = figures_cache
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        values = repr([value.resolve(context) for value in self.vary_on])
        name = f"html:{self.name.resolve(context)}:{hashlib.sha256(values.encode()).hexdigest()}"
        return self.figures_cache.resolve(context).get_or_set(
            name, lambda: self.nodelist.render(context)
        )


@register.filter
def figure_link(figure):
    """The figure's value, with thousands separated, as a link to its list."""
    if figure is None or figure == "":
        return ""
    return format_html(
        '<a class="figure-link" href="{}">{}</a>', figure.url, floatformat(figure.value, "0g")
    )


@register.simple_tag
def figure_of(part, whole):
    """A part and its whole, "3 of 5", each number a link to its list."""
    return format_html("{} of {}", figure_link(part), figure_link(whole))


@register.filter
def percent(value):
    """A percent, "40%"; None: a dash that a screen reader reads as "no approved report"."""
    if value is None:
        return format_html(
            '<span aria-hidden="true">{}</span><span class="visually-hidden"> {}</span>',
            "—",
            "no approved report",
        )
    return format_html("{}%", value)


def _flag(value, yes, no):
    return format_html(
        '<span class="flag flag-{}"><span aria-hidden="true">{} </span>{}</span>',
        *(("yes", "✓", yes) if value else ("no", "✗", no)),
    )


@register.filter
def covered_flag(covered):
    """Covered or not: "✓ Covered" or "✗ Not covered"."""
    return _flag(covered, "Covered", "Not covered")


@register.filter
def reached_flag(reached):
    """Reached or not: "✓ Reached" or "✗ Not reached"."""
    return _flag(reached, "Reached", "Not reached")


@register.simple_tag
def table_downloads(figures, table, what, period_query):
    """The links of a table's CSV and XLSX downloads, for the region, plan and year of
    `figures`: "Download the matrix: CSV, Excel (XLSX)"."""
    links = [
        format_html(
            '<a href="{}?{}" download>{}<span class="visually-hidden"> of {}</span></a>',
            reverse("reports:table_download", args=[figures.region.code, table, file_format]),
            period_query,
            label,
            what,
        )
        for file_format, label in (("csv", "CSV"), ("xlsx", "Excel (XLSX)"))
    ]
    return format_html('<p class="table-downloads">Download {}: {}, {}</p>', what, *links)


@register.simple_tag
def money_link(converted, url):
    """A sum in US dollars (an initiatives.money.Converted), with cents and thousands
    separated, as the link to the lines behind it; "incomplete" when an amount in it has no
    exchange rate (the page lists which)."""
    amount = format_html(
        '<a class="figure-link money-link" href="{}">{}</a>',
        url,
        floatformat(converted.rounded, "-2g"),
    )
    if converted.complete:
        return amount
    return format_html(
        '{} <span class="flag flag-no" title="{}">incomplete</span>',
        amount,
        "Some amounts have no exchange rate for their month: see the missing rates below.",
    )


@register.filter
def execution_rate(cell):
    """Expenditure as a percent of budget, "45.2%"; a dash without a budget."""
    if cell.execution_rate is None:
        return format_html(
            '<span aria-hidden="true">—</span><span class="visually-hidden">{}</span>',
            "no budget",
        )
    return format_html("{}%", cell.execution_rate)

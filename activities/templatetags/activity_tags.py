"""Display helpers of activities and progress reports, which the reports' pages use too.
`{% load activity_tags %}`, then:

- `{% status_pill activity.status activity.get_status_display %}`: a status or a workflow state
  as a pill, `<span class="status status-ongoing">Ongoing</span>` (the CSS class says the value,
  the words say it too).
- `{{ report|report_link }}`: a progress report as the link to its page, "Title, 2026 Q1".
- `{{ waiting.count|count_label }}`: a count after a heading, "(3)".
- `{% and_more waiting.more waiting.url "reports waiting for my review" %}`: "and 5 more."
  under a shortened list, a link to the list of them all; nothing if none.
- `{% sort_header "Title" sort_links.title %}`: a sortable column's `<th>`, its link keeping the
  query string but the page, its `aria-sort` and arrow saying how the list is sorted.
- `{% filter_field form.q %}`: one filter of the activity list (a template,
  activities/includes/filter_field.html).

A form's field is `{% form_field form.title %}` from `form_tags` (config/form_tags.py).
"""

from django import template
from django.template.defaulttags import querystring
from django.utils.html import format_html

register = template.Library()

SORT_ARROWS = {"ascending": "▲", "descending": "▼"}


@register.simple_tag
def status_pill(status, label):
    """`label` in a pill coloured by `status` (an activity's status, a report's state…)."""
    return format_html('<span class="status status-{}">{}</span>', status, label)


@register.filter
def report_link(report):
    """The link to a progress report's page, named by its activity and period."""
    return format_html(
        '<a href="{}">{}, {}</a>', report.get_absolute_url(), report.activity.title, report.period
    )


@register.filter
def count_label(count):
    """A count in brackets, as a heading shows how many its list holds."""
    return format_html('<span class="count">({})</span>', count)


@register.simple_tag
def and_more(more, url, what=""):
    """What a shortened list leaves out, "and 5 more.", as a link to `url`, the list of them
    all; nothing when it leaves out nothing. `what` names them for a screen reader's list of
    links ("and 5 more reports waiting for my review"), where the heading above is not read."""
    if not more:
        return ""
    hidden = format_html('<span class="visually-hidden"> {}</span>', what) if what else ""
    return format_html('<p class="more"><a href="{}">and {} more{}</a>.</p>', url, more, hidden)


@register.simple_tag(takes_context=True)
def sort_header(context, label, link):
    """The header of a column that sorts the list (`link`: an activities.filters.SortLink)."""
    aria_sort = format_html(' aria-sort="{}"', link.aria_sort) if link.aria_sort else ""
    arrow = SORT_ARROWS.get(link.aria_sort)
    arrow = format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else ""
    return format_html(
        '<th scope="col"{}><a class="sort-link" href="{}">{}{}</a></th>',
        aria_sort,
        querystring(context, sort=link.sort, page=None),
        label,
        arrow,
    )


@register.inclusion_tag("activities/includes/filter_field.html")
def filter_field(field):
    """A filter of the activity list: a group of checkboxes in a fieldset, a single checkbox
    after its label's box, anything else as every form's field."""
    return {"field": field}

"""Display helpers for reference data: the LDC/SIDS/LLDC country groups. `{% load
initiative_tags %}`, then:

- `{{ country.current_groups|group_badges }}`: a badge for each group a country is in, its code
  spelt out on hover and for assistive technology ("LDC": "Least developed country").
- `{{ reach.group|group_abbr }}`: a group's code, spelt out in the plural as a heading or a
  figure's label says it ("LDC": "Least developed countries").
"""

from django import template
from django.utils.html import format_html, format_html_join

from initiatives.models import CountryGroup

register = template.Library()

GROUP_NAMES = dict(CountryGroup.choices)
GROUP_PLURALS = {
    CountryGroup.LDC.value: "Least developed countries",
    CountryGroup.SIDS.value: "Small island developing states",
    CountryGroup.LLDC.value: "Landlocked developing countries",
}


@register.filter
def group_badges(groups):
    """A badge for each of `groups` (codes such as "LDC"), one after the other."""
    return format_html_join(
        "",
        '<abbr class="badge badge-{}" title="{}">{}</abbr>',
        ((str(group).lower(), GROUP_NAMES.get(group, ""), group) for group in groups or ()),
    )


@register.filter
def group_abbr(group):
    """A group's code (e.g. "SIDS"), spelt out in the plural."""
    return format_html('<abbr title="{}">{}</abbr>', GROUP_PLURALS.get(group, ""), group)

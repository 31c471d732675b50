"""Display helpers for reference data: the country groups (LDC, SIDS, LLDC and ours). `{% load
initiative_tags %}`, then:

- `{{ country.current_groups|group_badges }}`: a badge for each CountryGroup a country is in, its
  code spelt out on hover and for assistive technology ("LDC": "Least developed country").
- `{{ reach.group|group_abbr }}`: a CountryGroup's code, spelt out as a heading or a figure's
  label says it ("LDC": "Least developed countries").
"""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def group_badges(groups):
    """A badge for each of `groups` (CountryGroups), one after the other."""
    return format_html_join(
        "",
        '<abbr class="badge badge-{}" title="{}">{}</abbr>',
        ((group.code.lower(), group.member_name, group.code) for group in groups or ()),
    )


@register.filter
def group_abbr(group):
    """A CountryGroup's code (e.g. "SIDS"), spelt out in the plural."""
    return format_html('<abbr title="{}">{}</abbr>', group.name, group.code)

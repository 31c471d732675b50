"""The map of a region's countries. `{% load map_tags %}`, then
`{% region_map figures period_query %}`: every country of the region of `figures` (a
RegionFigures) drawn reached or not in its year, each a link to its page for the period."""

from django import template

from reports import maps

register = template.Library()


@register.inclusion_tag("reports/includes/region_map.html")
def region_map(figures, period_query):
    """The region's map (reports/maps.py) from the figures the page already has: no query."""
    return {"map": maps.region_map(figures.countries, figures.year), "period_query": period_query}

"""The template tag of a form's field, which every app's forms and the sign-in pages share:
`{% load form_tags %}`, then `{% form_field form.title %}` renders includes/field.html (its
label, the widget, its help text and its errors). Registered as the library `form_tags` in
TEMPLATES (config/settings.py): it belongs to no app."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/field.html")
def form_field(field):
    """A form's field (a BoundField) with its label, help text and errors."""
    return {"field": field}

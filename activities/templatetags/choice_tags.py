"""Helpers of the activity form's grouped checkboxes (activities/includes/choice_groups.html).
`{% load choice_tags %}`, then:

- `{% with ticked=group.choices|ticked %}`: the choices of a group (`activities.forms.Choice`)
  whose box is ticked, as the form shows them (after a POST, what was posted). A group with
  none folds.
"""

from django import template

register = template.Library()


@register.filter
def ticked(choices):
    """The choices among `choices` whose checkbox is ticked."""
    return [choice for choice in choices if choice.widget.data.get("selected")]

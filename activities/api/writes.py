"""Writes through the API are the pages' writes: a request's JSON becomes the data of the
page's own form (ActivityForm, ProgressReportForm, ReviewForm), which checks it with the same
rules and messages, and the form's instance is saved through the one write path
(activities.services) — the API adds nothing but the translation of codes to rows.

A new row starts from the form's defaults and a change (PATCH) from the row as it is saved, so
a request gives only the fields it sets, and for a change the `version` it read: a save made
in between is refused (409) instead of being overwritten.
"""

from django.contrib.auth import get_user_model
from django.utils.html import strip_tags
from rest_framework import exceptions

from activities.models import Activity, TargetGroup
from initiatives.models import ActionPlan, Country, ExpectedResult, Region

# For each link, how a request names its rows: the model and the field of its code.
ACTIVITY_CODES = {
    "region": (Region, "code"),
    "countries": (Country, "iso3"),
    "target_groups": (TargetGroup, "code"),
    "focal_point": (get_user_model(), "username"),
}
VERSION_NEEDED = (
    "Give the version you read (the `version` of what you change): nobody's save is overwritten."
)


def form_errors(form):
    """A bound form's errors as the API answers them: {field or "non_field_errors": [messages]},
    the messages as the page shows them, in plain text."""
    return {
        "non_field_errors" if name == "__all__" else name: [strip_tags(m) for m in messages]
        for name, messages in form.errors.items()
    }


def refuse(errors):
    """Answer 400 with `errors` ({field: [messages]})."""
    raise exceptions.ValidationError(errors)


def _unknown_fields(payload, writable, shown):
    """The request's fields that are neither written nor merely shown (read-only fields
    sent back as they were read are let through, and ignored)."""
    return sorted(set(payload) - set(writable) - set(shown))


def read_payload(request, writable, shown):
    """The request's JSON object, refused with a message if it is not one or names fields
    that do not exist."""
    payload = request.data
    if not isinstance(payload, dict):
        refuse({"non_field_errors": ["Send a JSON object of the fields to write."]})
    unknown = _unknown_fields(payload, writable, shown)
    if unknown:
        refuse({name: [f"There is no field “{name}” to write here."] for name in unknown[:20]})
    return payload


def bound_form(form_class, data, **kwargs):
    """The page's form `form_class` bound to `data` over the values the page would show: a new
    row's defaults, or a saved row's values (so a change gives only what it changes)."""
    unbound = form_class(**kwargs)
    values = {name: unbound[name].value() for name in unbound.fields}
    return form_class({**values, **data}, **kwargs)


def _rows_by_code(model, code_field, codes, name):
    """{code: pk} of the rows named by `codes`; unknown codes refused, by `name`."""
    found = dict(model.objects.filter(**{f"{code_field}__in": codes}).values_list(code_field, "pk"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        refuse({name: [f"{code} does not exist." for code in unknown]})
    return found


def _codes(payload, name, many):
    value = payload[name]
    if value is None and not many:
        return []
    values = value if many else [value]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        shape = "a list of codes" if many else "a code"
        refuse({name: [f"Give {shape} (text), e.g. as this API shows them."]})
    return values


def _expected_result_ids(codes, activity):
    """The expected results named "ASP1.1" (the current plan's) or "WTDC-25 ASP1.1", or
    already linked to `activity`, by their ids; unknown ones refused."""
    current = ActionPlan.objects.current()
    results = ExpectedResult.objects.select_related("initiative__action_plan")
    wanted = {code.strip().upper() for code in codes}
    found = {}
    candidates = results.filter(initiative__code__in={c.split()[-1].split(".")[0] for c in wanted})
    linked = list(activity.expected_results.all()) if activity is not None else []
    for result in [*candidates, *linked]:
        found.setdefault(result.code_in_plan.upper(), result.pk)
        if current is not None and result.initiative.action_plan_id == current.pk:
            found[result.code.upper()] = result.pk
        elif result in linked:
            found.setdefault(result.code.upper(), result.pk)
    unknown = [code for code in codes if code.strip().upper() not in found]
    if unknown:
        refuse({"expected_results": [f"{code} does not exist." for code in unknown]})
    return [found[code.strip().upper()] for code in codes]


def activity_form_data(payload, activity=None):
    """The ActivityForm data of a request's `payload` (its JSON): its codes as the rows' ids
    (`activity`: the one changed, whose earlier plans' expected results may stay)."""
    data = {}
    for name, value in payload.items():
        if name in ACTIVITY_CODES:
            model, code_field = ACTIVITY_CODES[name]
            many = activity_field_is_many(name)
            codes = _codes(payload, name, many)
            pks = _rows_by_code(model, code_field, codes, name)
            data[name] = [pks[code] for code in codes] if many else (pks[codes[0]] if codes else "")
        elif name == "expected_results":
            data[name] = _expected_result_ids(_codes(payload, name, True), activity)
        elif name in Activity.EDITABLE_FIELDS or name == "version":
            data[name] = _one_value(name, value)
    return data


def activity_field_is_many(name):
    return Activity._meta.get_field(name).many_to_many


def form_data(payload, names):
    """The form data of the fields `names` of a request's `payload`, each one value."""
    return {name: _one_value(name, value) for name, value in payload.items() if name in names}


def _one_value(name, value):
    """A field's one value as a form's data gives it (null: empty); a list or an object is
    refused."""
    if isinstance(value, list | dict):
        refuse({name: ["Give one value here, not a list or an object."]})
    return "" if value is None else value

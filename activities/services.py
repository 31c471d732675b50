"""The one write path of work data: every save of an activity or a progress report — from the
staff pages, the admin, the import and the history's revert — goes through here.

A write runs in one transaction: it locks the row, compares its version with the one the writer
read (an edit conflict otherwise: nobody's work is silently overwritten), checks every rule —
the model's own (activities.models, activities.validators), the links' region, the archive, the
user's permission (activities.permissions) — and saves the row, its links and one history row
(activities.history), or nothing. A progress report's indicator values, and an activity's
planned contributions to indicators, are saved with it, in its transaction. The forms and the
import ask the same functions (`activity_errors`, `link_errors`, `report_errors`,
`indicator_value_errors`, `contribution_errors`) to show every mistake where the user is.
"""

import copy
import decimal
import json
import logging
import smtplib
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from activities import history, money, permissions, signals
from activities.models import (
    Activity,
    IndicatorBreakdown,
    IndicatorValue,
    PlannedContribution,
    ProgressReport,
)
from initiatives.history import record_history
from initiatives.models import Indicator

logger = logging.getLogger(__name__)

SAVE_BATCH = 500  # rows per query, within SQLite's limit on parameters

# --- Activities: the rules --------------------------------------------------------------------


class EditConflict(Exception):
    """Someone else saved the activity after the writer read it: the save is refused.

    `activity` is the activity as it is now; `changes` what was changed since the version the
    writer started from, as `history.Change`s (empty when that version's history is unknown).
    """

    def __init__(self, activity, changes):
        super().__init__(
            "Someone else saved this activity since you opened it (it is at version "
            f"{activity.version} now): nothing was saved."
        )
        self.activity = activity
        self.changes = changes


class ActivityArchived(Exception):
    """An archived activity is read-only until it is restored."""


class ActivityNotArchived(Exception):
    """Only an archived activity can be restored."""


def link_errors(region, countries=None, expected_results=None):
    """What is wrong with linking `countries` and `expected_results` to an activity of `region`
    (None: not given, nothing to check): {"countries": [message, …], "expected_results": […]},
    only with the fields that have an error.

    An activity works in at least one country, all of its own region, and advances at least one
    expected result of its own region's initiatives (of any action plan).
    """
    errors = {}
    if countries is not None and not countries:
        errors["countries"] = ["Choose at least one country."]
    if expected_results is not None and not expected_results:
        errors["expected_results"] = ["Choose at least one expected result."]
    if region is None:
        return errors
    for country in countries or ():
        if country.region_id != region.pk:
            errors.setdefault("countries", []).append(
                f"{country.name} is not in {region.name}, the region of this activity."
            )
    for result in expected_results or ():
        if result.initiative.region_id != region.pk:
            errors.setdefault("expected_results", []).append(
                f"{result.code} is an expected result of another region. Choose expected "
                f"results of the initiatives of {region.name}, the region of this activity."
            )
    return errors


def write_refusal(user, activity, current=None):
    """Why `user` may not save `activity` as it is set now (`current`: the row as the database
    has it, for a change), in words; None when they may."""
    if not user.has_perm("activities.change_activity" if current else "activities.add_activity"):
        return "Your role does not write activities."
    if current is not None and not user.has_perm("activities.change_activity", current):
        region = current.region
    elif activity.region_id is not None and not user.has_perm(
        "activities.change_activity" if current else "activities.add_activity", activity
    ):
        region = activity.region
    else:
        return None
    return f"{region.name} is not one of your regions: you cannot write its activities."


def activity_errors(
    user, activity, *, countries=None, expected_results=None, current=None, unique=True, exclude=()
):
    """Every mistake of `activity` as `user` would save it, with these links (None: not given):
    {field name, or NON_FIELD_ERRORS: [messages]}; empty when it may be saved.

    The model's checks (lengths, choices, dates, currency, and with `unique` its uniqueness,
    which costs a query: the import checks it against its file instead), the links' region and
    the archive (`current`: the row as the database has it, for a change). `exclude`: fields
    not to check (the import's cells that could not be read). Who may write it is
    `write_refusal`'s question.
    """
    errors = {}
    try:
        activity.full_clean(
            exclude=["uid", "version", "created_by", "updated_by", *exclude],
            validate_unique=unique,
            validate_constraints=unique,
        )
    except ValidationError as error:
        errors = error.message_dict
    region = activity.region if activity.region_id else None
    for name, messages in link_errors(region, countries, expected_results).items():
        errors.setdefault(name, []).extend(messages)
    refusal = archived_refusal(current, activity.archived_at)
    if refusal:
        errors.setdefault(NON_FIELD_ERRORS, []).append(refusal)
    return errors


def archived_refusal(current, archived_at):
    """Why the activity `current` (as the database has it; None: a new one) may not be saved
    with `archived_at`, in words; None when it may. An archived activity is read-only until it
    is restored (saved with no `archived_at`)."""
    if current is not None and current.is_archived and archived_at is not None:
        return f"“{current}” is archived: restore it before changing it."
    return None


def lock_activity(pk, version=None):
    """The activity `pk` as the database has it, its row locked until the transaction ends (so
    that two writers act in turn); None if there is no such row (a deleted one being
    restored). Raises `EditConflict` if its version is not `version` (None: not compared)."""
    current = Activity.objects.select_for_update().filter(pk=pk).first()
    if current is not None and version is not None and current.version != version:
        raise EditConflict(current, history.changes_since(current, version))
    return current


# --- Edit conflicts: the three-way merge -------------------------------------------------------


class Merge:
    """What an edit made on a stale copy becomes when merged with the saves made since.

    Each field is compared in three versions: `base`, the one the writer read; `theirs`, the one
    saved since; `yours`, the writer's input. A field only one side changed takes that side's
    value; one both changed to different values is a conflict, which the writer settles (its
    value here is yours until they choose). A set of links merges link by link: a link added or
    removed on one side is added or removed, so links never conflict — unless the base is
    unknown (a version with no history row), where every difference is a conflict.

    `values`: {field: merged value}, raw (a row's pk, a set of pks for links); `theirs_changed`
    and `conflicts`: the fields they changed (kept as they left them) and those both changed.
    """

    def __init__(self, base, theirs, yours, link_fields=()):
        self.values, self.theirs_changed, self.conflicts = {}, [], []
        for name, mine in yours.items():
            their_value = theirs[name]
            if base is None:  # nothing to tell who changed what: any difference is a conflict
                if their_value != mine:
                    self.conflicts.append(name)
                self.values[name] = mine
                continue
            old = base[name]
            if their_value != old:
                if name in link_fields:
                    mine = (old & their_value & mine) | (their_value - old) | (mine - old)
                elif mine == old:
                    mine = their_value
                elif mine != their_value:
                    self.conflicts.append(name)  # the form keeps yours until you choose
                    self.values[name] = mine
                    continue
                self.theirs_changed.append(name)
            self.values[name] = mine


def raw_values(instance, names, link_fields=()):
    """{field: value} of `instance` for these `names`, as `Merge` compares them: a related row
    as its pk, links as a set of pks."""
    values = {}
    for name in names:
        field = instance._meta.get_field(name)
        if name in link_fields:
            values[name] = {row.pk for row in getattr(instance, name).all()}
        else:
            values[name] = getattr(instance, field.attname)
    return values


def cleaned_raw_values(cleaned_data, names):
    """The same from a form's `cleaned_data`: related rows as pks, sets of rows as sets of pks."""
    values = {}
    for name in names:
        value = cleaned_data[name]
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, (list, tuple, set)) or hasattr(value, "model"):
            value = {row.pk for row in value}
        values[name] = value
    return values


def merge_activity(current, version, yours):
    """`yours` ({field: value}, as a form cleaned them), made on `version` of the activity,
    merged with `current`, the activity as it is now."""
    names, links = Activity.EDITABLE_FIELDS, Activity.LINK_FIELDS
    return Merge(
        history.values_at(current, version, names, links),
        raw_values(current, names, links),
        cleaned_raw_values(yours, names),
        link_fields=links,
    )


def merge_report(current, version, yours):
    """`yours` ({field: value}, as a form cleaned them), made on `version` of the progress
    report, merged with `current`, the report as it is now."""
    names = ProgressReport.EDITABLE_FIELDS
    return Merge(
        history.values_at(current, version, names),
        raw_values(current, names),
        cleaned_raw_values(yours, names),
    )


# --- Activities: the writes -------------------------------------------------------------------


def save_activity(
    user,
    activity,
    *,
    countries=None,
    expected_results=None,
    target_groups=None,
    contributions=None,
    budget_lines=None,
    shares=None,
    version=None,
    reason="",
    via="",
):
    """Save `activity` as `user` has set its fields, with these links (None: left as they are),
    its planned `contributions` ({Indicator: Decimal, or None for none planned}; None: left as
    they are), its `budget_lines` (BudgetLines, all of them; None: left as they are), the
    `shares` of its money per expected result ({ExpectedResult: percent}; {}: equal shares;
    None: left as they are, or equal again if its expected results change), and one history
    row (with `reason` when given, marked "via API" with `via="API"`), or nothing. The money's
    rules are activities.money's.

    A change locks the row and compares its version with `version`, the one the writer read
    (None: not compared, the writer read it in this transaction): if someone else saved in
    between, raises `EditConflict`. Any broken rule raises `ValidationError`, with every
    mistake by field; a user who may not write it, `PermissionDenied`; an archived
    activity, `ActivityArchived`. Returns the activity, saved.
    """
    with transaction.atomic():
        current = lock_activity(activity.pk, version) if activity.pk is not None else None
        refusal = write_refusal(user, activity, current)
        if refusal:
            raise PermissionDenied(refusal)
        refusal = archived_refusal(current, activity.archived_at)
        if refusal:
            raise ActivityArchived(refusal)
        results_changed = current is None
        if current is not None:
            if countries is None:
                countries = list(current.countries.all())
            saved_results = list(current.expected_results.all())
            if expected_results is None:
                expected_results = saved_results
            results_changed = {r.pk for r in expected_results} != {r.pk for r in saved_results}
        errors = activity_errors(
            user,
            activity,
            countries=countries,
            expected_results=expected_results,
            current=current,
        )
        # New dates are checked against the lines given, else against the lines saved.
        messages = money.date_errors(activity, current) if budget_lines is None else []
        if contributions is not None:
            messages += contribution_errors(expected_results, contributions)
        if budget_lines is not None:
            messages += money.budget_line_errors(activity, budget_lines)
        if shares:
            messages += money.split_errors(expected_results, shares)
        if messages:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        links = {
            "countries": countries,
            "expected_results": expected_results,
            "target_groups": target_groups,
        }
        notes = []
        if shares is not None:
            activity.custom_split = bool(shares)
            notes.append("Money split: " + ("set shares" if shares else "equal shares"))
        elif results_changed and activity.custom_split:
            activity.custom_split = False
            notes.append(money.SPLIT_RESET)
        if contributions is not None and activity.pk is not None:
            changed = _changed_contributions(activity, contributions)
            if changed:
                notes.append("Planned contributions changed: " + ", ".join(changed))
        if budget_lines is not None and current is not None:
            changed = money.save_budget_lines(activity, budget_lines, user)
            if changed:
                notes.append("Budget lines: " + "; ".join(changed))
        if notes and not reason:
            reason = _clipped(". ".join(notes))
        if via:  # the pages' saves say "Created" or "Changed" by the history row's type
            reason = _via(reason or ("Created" if current is None else "Changed"), via)
        # Shares given: set ones, or {} for equal ones again.
        custom = [] if shares is None else [(activity, {r.pk: p for r, p in shares.items()})]
        _store([(activity, links, current)], user, reason, custom)
        if budget_lines is not None and current is None:
            money.save_budget_lines(activity, budget_lines, user)
        if contributions is not None:
            _save_contributions(activity, contributions, user)
    return activity


def save_activities(user, changes, reason="", budget_lines=()):
    """`save_activity` for many activities at once (an import). `changes` is a list of
    (activity, links, current): links as {field: rows, or None to leave them}; `current` the
    activity as read from the database before its new values were set (None: a new one), read
    in this transaction under its row lock (`select_for_update`); `budget_lines` (activity,
    its BudgetLines, all of them) pairs for those of `changes` whose lines are given. Checks
    each with `write_refusal`, `activity_errors` (uniqueness excepted: the import checks it
    against its file) and `money.budget_line_errors`, and raises `PermissionDenied` or
    `ValidationError` naming the first broken one; else saves them all, their links, their
    budget lines and one history row each, in a few queries per hundred rows."""
    with transaction.atomic():
        for activity, links, current in changes:
            refusal = write_refusal(user, activity, current)
            if refusal:
                raise PermissionDenied(f"{activity}: {refusal}")
            errors = activity_errors(
                user,
                activity,
                countries=links.get("countries"),
                expected_results=links.get("expected_results"),
                current=current,
                unique=False,
                exclude=_read_foreign_keys(activity),
            )
            if errors:
                raise ValidationError(
                    [
                        f"{activity}: {message}"
                        for messages in errors.values()
                        for message in messages
                    ]
                )
        for activity, lines in budget_lines:
            messages = money.budget_line_errors(activity, lines)
            if messages:
                raise ValidationError([f"{activity}: {message}" for message in messages])
        _store(changes, user, reason)
        money.save_many_budget_lines(budget_lines, user)


def _read_foreign_keys(activity):
    """The foreign keys of `activity` set to rows read from the database (the import's): the
    model's check that each exists would ask the database again, a query per row; the
    database's own constraint checks them when the row is saved."""
    return [
        field.name
        for field in Activity._meta.concrete_fields
        if field.many_to_one
        and field.is_cached(activity)
        and getattr(activity, field.name) is not None
        and not getattr(activity, field.name)._state.adding
    ]


def _store(changes, user, reason, custom_shares=()):
    """Save the rows of `changes` ((activity, links, current), checked), their links, the
    shares of their money per expected result (`custom_shares`: (activity, {result id:
    percent}) pairs; equal shares for the others whose expected results changed) and one
    history row each."""
    created = [activity for activity, _links, current in changes if current is None]
    changed = [activity for activity, _links, current in changes if current is not None]
    for activity in created:
        activity.created_by = user
        activity.version = activity.version + 1 if activity.pk is not None else 1
    for activity in [*created, *changed]:
        activity.updated_by = user
    revived = [activity for activity in created if activity.pk is not None]
    new = [activity for activity in created if activity.pk is None]
    Activity.objects.bulk_create(new, batch_size=SAVE_BATCH)
    if new and new[0].pk is None:  # a database that does not return the new ids
        pk_of = dict(Activity.objects.filter(uid__in=[a.uid for a in new]).values_list("uid", "pk"))
        for activity in new:
            activity.pk = pk_of[activity.uid]
    for activity in revived:  # a deleted activity brought back from its history
        activity.save_without_historical_record(force_insert=True)
    for activity, _links, current in changes:
        if current is not None:
            activity.version = current.version + 1
            activity.save_without_historical_record()
    replaced = _replace_links(changes)
    custom = {activity.pk: shares for activity, shares in custom_shares}
    resplit = [
        activity
        for activity, _links, _current in changes
        if activity.pk in replaced["expected_results"] or activity.pk in custom
    ]
    reset = [a.pk for a in resplit if a.custom_split and a.pk not in custom]
    if reset:  # set shares do not fit other expected results
        Activity.objects.filter(pk__in=reset).update(custom_split=False)
        for activity in resplit:
            if activity.pk in reset:
                activity.custom_split = False
    money.apply_split(resplit, custom)
    if created:
        record_history(created, user, reason, created=True)
    if changed:
        record_history(changed, user, reason)
    signals.bulk_saved.send(sender=Activity)


def _replace_links(changes):
    """Make each activity's links those of `changes` (a field given as None is left as it
    is): the links no longer wanted deleted, the new ones inserted, the rest untouched.
    Returns {field name: ids of the activities whose links of that field changed}."""
    replaced = {}
    for name in Activity.LINK_FIELDS:
        field = Activity._meta.get_field(name)
        through, target = field.remote_field.through, f"{field.m2m_reverse_field_name()}_id"
        given = {
            activity.pk: {row.pk for row in links[name]}
            for activity, links, _current in changes
            if links.get(name) is not None
        }
        had = {pk: set() for pk in given}
        ids = list(given)
        for start in range(0, len(ids), SAVE_BATCH):
            rows = through.objects.filter(activity_id__in=ids[start : start + SAVE_BATCH])
            for activity_id, target_id in rows.values_list("activity_id", target):
                had[activity_id].add(target_id)
        new_rows = []
        replaced[name] = set()
        for activity_id, wanted in given.items():
            gone = had[activity_id] - wanted
            if gone:
                through.objects.filter(activity_id=activity_id, **{f"{target}__in": gone}).delete()
            new_rows.extend(
                through(activity_id=activity_id, **{target: target_id})
                for target_id in wanted - had[activity_id]
            )
            if wanted != had[activity_id]:
                replaced[name].add(activity_id)
        through.objects.bulk_create(new_rows, batch_size=SAVE_BATCH)
    return replaced


# --- Activities: their planned contributions to indicators ------------------------------------


def offered_indicators(expected_results):
    """The indicators an activity advancing `expected_results` may plan to contribute to, or
    its reports give values of: the reported ones of those results, in order. One query."""
    return list(
        Indicator.objects.reported()
        .filter(expected_result__in=expected_results)
        .select_related("expected_result__initiative")
        .order_by("expected_result__initiative__code", "expected_result__number", "code")
    )


def contribution_errors(expected_results, contributions):
    """What is wrong with `contributions` ({Indicator: Decimal or None}) as the planned
    contributions of an activity advancing `expected_results`: messages, empty when right.
    The same rules as a report's value (`indicator_value_errors`), without a breakdown."""
    result_ids = {result.pk for result in expected_results}
    messages = []
    for indicator, value in contributions.items():
        if indicator.is_computed or indicator.expected_result_id not in result_ids:
            messages.append(
                f"{indicator.full_code} is not an indicator of the expected results this "
                "activity advances: plan contributions to those only."
            )
            continue
        entry = IndicatorEntry(value, {})
        messages.extend(
            f"{indicator.full_code}: {message}"
            for message in indicator_value_errors(indicator, entry, set())
        )
    return messages


def planned_contributions(activity):
    """{indicator id: value} of `activity`'s planned contributions. One query."""
    if activity.pk is None:
        return {}
    return dict(activity.planned_contributions.values_list("indicator_id", "value"))


def _changed_contributions(activity, contributions):
    """The full codes of the indicators whose planned contribution `contributions` changes."""
    saved = planned_contributions(activity)
    return [
        indicator.full_code
        for indicator, value in contributions.items()
        if saved.get(indicator.pk) != value
    ]


def _save_contributions(activity, contributions, user):
    """Make `activity`'s planned contributions to the indicators of `contributions` (checked)
    those: one emptied is deleted, a new or changed one saved with its history row."""
    saved = {
        row.indicator_id: row
        for row in activity.planned_contributions.filter(indicator__in=list(contributions))
    }
    for indicator, value in contributions.items():
        row = saved.get(indicator.pk)
        if value is None:
            if row is not None:
                row._history_user = user
                row.delete()
            continue
        if row is None:
            row = PlannedContribution(activity=activity, indicator=indicator, value=value)
        elif row.value == value:
            continue
        row.value = value
        row._history_user = user
        row.save()


HISTORY_REASON_LENGTH = 100  # simple-history's history_change_reason


def _via(reason, via):
    """`reason` marked with the way the save came (`via`: "API"; "": the pages, said by
    nothing), e.g. "Changed via API"."""
    return _clipped(f"{reason} via {via}") if via else reason


def _clipped(reason):
    if len(reason) <= HISTORY_REASON_LENGTH:
        return reason
    return reason[: HISTORY_REASON_LENGTH - 1] + "…"


def archive_activity(activity, user):
    """Archive `activity`: it leaves the lists and is read-only until restored. Not a delete."""
    with transaction.atomic():
        current = lock_activity(activity.pk)
        if current.is_archived:
            raise ActivityArchived(f"{current} is already archived.")
        _set_archived_at(current, user, timezone.now(), "Archived")
    return current


def restore_activity(activity, user):
    """Bring an archived `activity` back to the lists and to editing."""
    with transaction.atomic():
        current = lock_activity(activity.pk)
        if not current.is_archived:
            raise ActivityNotArchived(f"{current} is not archived.")
        _set_archived_at(current, user, None, "Restored")
    return current


def _set_archived_at(activity, user, archived_at, reason):
    # A new version, so that an edit form opened before the archive sees a conflict instead of
    # saving its stale copy of the row back.
    if not user.has_perm("activities.change_activity", activity):
        raise PermissionDenied(write_refusal(user, activity, activity))
    current = copy.copy(activity)
    activity.archived_at = archived_at
    _store([(activity, {}, current)], user, reason)


# --- Progress reports: the values of their indicators ----------------------------------------


class IndicatorEntry(NamedTuple):
    """A report's value of one indicator as a writer gives it: `value` (a Decimal; None: not
    reported this quarter) and its `breakdown`, {dimension: {category: amount}}, with only the
    dimensions broken down (all of a dimension's categories, 0 where none)."""

    value: Decimal | None
    breakdown: dict

    def serialized(self):
        """The entry as text (JSON), to travel in a form and come back: `parse_entry`."""
        return json.dumps(
            {
                "value": None if self.value is None else str(plain_number(self.value)),
                "breakdown": {
                    dimension: {category: str(plain_number(a)) for category, a in parts.items()}
                    for dimension, parts in self.breakdown.items()
                },
            },
            sort_keys=True,
            separators=(",", ":"),
        )


NOT_REPORTED = IndicatorEntry(None, {})
# What an entry read back from text that is not one is: equal to no entry (see `Merge`).
UNKNOWN_ENTRY = object()

# How a message names each dimension: "the parts by age group".
DIMENSION_WORDS = {
    "sex": "sex",
    "age": "age group",
    "disability": "disability",
    "country": "country",
}


def parse_entry(text):
    """The IndicatorEntry that `IndicatorEntry.serialized` wrote as `text`; `UNKNOWN_ENTRY` for
    any other text."""

    def number(text):
        number = Decimal(text)
        if not number.is_finite():  # NaN, which no comparison may take
            raise ValueError(text)
        return number

    try:
        data = json.loads(text)
        value = None if data["value"] is None else number(data["value"])
        breakdown = {
            str(dimension): {str(category): number(a) for category, a in parts.items()}
            for dimension, parts in data["breakdown"].items()
        }
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        RecursionError,
        decimal.InvalidOperation,
    ):
        return UNKNOWN_ENTRY
    return IndicatorEntry(value, breakdown)


def plain_number(number):
    """`number` (a Decimal) without trailing zeros, never in exponent form: 40.00 → 40,
    12.50 → 12.5."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def categories_of(dimension, countries):
    """The categories of a breakdown by `dimension`, in order, as (code, label): the activity's
    `countries` (Country rows) for "country"."""
    if dimension == IndicatorBreakdown.Dimension.COUNTRY:
        return [(country.iso3, country.name) for country in countries]
    return IndicatorBreakdown.CATEGORIES[dimension]


def limit_message(indicator):
    """Why a value above `indicator`'s unit's maximum is refused."""
    if indicator.unit == indicator.Unit.PERCENT:
        return f"A percent is at most {indicator.max_value}."
    return f"At most {indicator.max_value} for this indicator's unit."


def indicator_value_errors(indicator, entry, country_codes):
    """What is wrong with `entry` (an IndicatorEntry) as a value of `indicator`, for an activity
    in the countries of `country_codes` (ISO alpha-3): a list of messages, empty when right.

    A value is 0 or more, at most the unit's maximum; it is broken down only by the indicator's
    dimensions, into their categories; the parts are 0 or more, and add up to the value.
    """
    messages = []
    value = entry.value
    if value is not None and value < 0:
        messages.append("A value cannot be negative.")
    limit = indicator.max_value
    if value is not None and limit is not None and value > limit:
        messages.append(limit_message(indicator))
    for dimension, parts in entry.breakdown.items():
        word = DIMENSION_WORDS.get(dimension, dimension)
        if dimension not in indicator.disaggregations:
            messages.append(f"This indicator is not broken down by {word}.")
            continue
        allowed = (
            country_codes
            if dimension == IndicatorBreakdown.Dimension.COUNTRY
            else {code for code, _label in IndicatorBreakdown.CATEGORIES[dimension]}
        )
        unknown = sorted(set(parts) - set(allowed))
        if unknown:
            messages.append(f"{', '.join(unknown)}: not a part of the breakdown by {word}.")
        if any(amount < 0 for amount in parts.values()):
            messages.append("A part of a breakdown cannot be negative.")
        total = sum(parts.values(), Decimal(0))
        if value is None:
            messages.append(
                f"The parts by {word} are given without a value: give the value, or leave "
                "the parts empty."
            )
        elif total != value:
            messages.append(
                f"The parts by {word} add up to {plain_number(total)}, not "
                f"{plain_number(value)}: they must equal the value."
            )
    return messages


def indicator_values_errors(activity, entries):
    """Every mistake of `entries` ({Indicator: IndicatorEntry}) as values of a report of
    `activity`: a list of messages, each naming its indicator. Only the reported indicators of
    the expected results the activity advances take values."""
    result_ids = set(activity.expected_results.values_list("pk", flat=True))
    country_codes = set(activity.countries.values_list("iso3", flat=True))
    messages = []
    for indicator, entry in entries.items():
        if indicator.is_computed or indicator.expected_result_id not in result_ids:
            messages.append(
                f"{indicator.full_code} is not an indicator that this activity reports on: "
                "its value is not saved."
            )
            continue
        messages.extend(
            f"{indicator.full_code}: {message}"
            for message in indicator_value_errors(indicator, entry, country_codes)
        )
    return messages


def indicator_entries(report):
    """{indicator id: IndicatorEntry} of the values `report` has saved (none for a new report).
    Two queries."""
    if report.pk is None:
        return {}
    entries = {}
    for row in report.indicator_values.prefetch_related("breakdown"):
        breakdown = {}
        for part in row.breakdown.all():
            breakdown.setdefault(part.dimension, {})[part.category] = part.amount
        entries[row.indicator_id] = IndicatorEntry(row.value, breakdown)
    return entries


def merge_indicator_values(current, base, yours):
    """The values of an edit form made on a stale copy of the report, merged with those of
    `current`, the report as it is now, indicator by indicator (a value and its breakdown are
    one): `base` and `yours` are {Indicator: IndicatorEntry}, as the form was read (an entry
    may be `UNKNOWN_ENTRY`) and as it was sent. A `Merge` whose names are the indicators."""
    saved = indicator_entries(current)
    theirs = {indicator: saved.get(indicator.pk, NOT_REPORTED) for indicator in yours}
    return Merge(base, theirs, yours)


def _save_indicator_values(report, entries, user):
    """Make `report`'s values of the indicators of `entries` ({Indicator: IndicatorEntry},
    checked) those: a value emptied is deleted, a new or changed one saved (with its history
    row, and its breakdown replaced when it changed), an unchanged one left as it is."""
    saved = {
        row.indicator_id: row
        for row in report.indicator_values.filter(indicator__in=list(entries)).prefetch_related(
            "breakdown"
        )
    }
    new_parts = []
    for indicator, entry in entries.items():
        row = saved.get(indicator.pk)
        if entry.value is None:
            if row is not None:
                row._history_user = user
                row.delete()
            continue
        wanted = {
            (dimension, category): amount
            for dimension, parts in entry.breakdown.items()
            for category, amount in parts.items()
        }
        if row is None:
            row = IndicatorValue(report=report, indicator=indicator, value=entry.value)
            had = {}
        else:
            had = {(part.dimension, part.category): part.amount for part in row.breakdown.all()}
        if row.pk is None or row.value != entry.value:
            row.value = entry.value
            row._history_user = user
            row.save()
        if had != wanted:
            for part in row.breakdown.all():  # each with its history row, by `user`
                part._history_user = user
                part.delete()
            new_parts.extend(
                IndicatorBreakdown(value=row, dimension=dimension, category=category, amount=a)
                for (dimension, category), a in wanted.items()
            )
    bulk_create_with_history(
        new_parts, IndicatorBreakdown, batch_size=SAVE_BATCH, default_user=user
    )


# --- Progress reports: save, and the workflow draft → submitted → approved | returned ---------


class WorkflowError(Exception):
    """A progress report cannot make this move now: its state, or who asks, does not allow it.
    The message says why, in words for the user; nothing was changed."""


class NotAllowed(WorkflowError):
    """The user's role or regions do not allow this move at all: the view answers 403."""


class ReportEditConflict(Exception):
    """Someone saved the report after the edit form was read: the save is refused.

    `report` is the report as it is now; `changes` what was changed since the version the form
    started from, as `Change`s (empty when that version's history is unknown); `saved_by` who
    saved it last (None if unknown).
    """

    def __init__(self, report, changes, saved_by=None):
        super().__init__(
            "Someone else saved this progress report since you opened it (it is at version "
            f"{report.version} now): nothing was saved."
        )
        self.report = report
        self.changes = changes
        self.saved_by = saved_by


def lock_report(pk, version=None):
    """The report `pk` as the database has it, its row locked until the transaction ends, so
    that two people acting at once act in turn and the second sees what the first did; None if
    there is no such row. Raises `ReportEditConflict` if its version is not `version` (None:
    not compared)."""
    # The row alone, with no join: when PostgreSQL waits for the lock, it reads the locked row
    # again once the lock is granted, but not the rows joined to it, which would still be
    # those of before the wait (a reviewer of None beside the reviewer_id just set). Related
    # rows are read after the lock, as they are now.
    current = ProgressReport.objects.select_for_update().filter(pk=pk).first()
    if current is not None and version is not None and current.version != version:
        latest = current.history.select_related("history_user").first()
        raise ReportEditConflict(
            current,
            history.report_changes_since(current, version),
            saved_by=latest.history_user if latest else None,
        )
    return current


def save_report(
    user,
    report,
    *,
    version=None,
    fields=ProgressReport.EDITABLE_FIELDS,
    reason="",
    indicator_values=None,
    expenditures=None,
    via="",
):
    """Save `report` as `user` has set its `fields`: a new draft (by `user`, unless it names
    its author), or an edit of the report, with one history row ("Created", "Edited", or
    `reason`; marked "via API" with `via="API"`), and its `indicator_values` ({Indicator:
    IndicatorEntry}, a value of None deleted; None: the values left as they are) and its
    `expenditures` (Expenditures, all of them; None: left as they are) — all of it, or
    nothing.

    An edit locks the row and compares its version with `version`, the one the writer read
    (None: not compared): if someone saved in between, raises `ReportEditConflict`. Raises
    `NotAllowed` if `user` does not write the activity's reports, `WorkflowError` if the report
    left the editable states meanwhile (submitted, approved) or its activity is archived, and
    `ValidationError` for any broken rule of the model or of the values
    (`indicator_values_errors`).
    """
    try:
        with transaction.atomic():
            current = lock_report(report.pk, version) if report.pk is not None else None
            created = current is None
            if report.activity.is_archived:
                raise WorkflowError(
                    f"{report.activity} is archived: restore it before writing its reports."
                )
            if not user.has_perm("activities.add_progressreport", report.activity):
                raise NotAllowed("Only editors of the activity's region write its reports.")
            if created:
                current = report
                current.author_id = current.author_id or user.pk
                current.version = 1
            else:
                if not (
                    permissions.can_see_report(user, current)
                    and user.has_perm("activities.change_progressreport", current)
                ):
                    raise WorkflowError(
                        f"This report is {current.get_state_display().lower()} now: "
                        "it can no longer be edited."
                    )
                for name in fields:
                    setattr(current, name, getattr(report, name))
                current.version += 1
            current.full_clean(exclude=["version"])
            if indicator_values is not None:
                errors = indicator_values_errors(current.activity, indicator_values)
                if errors:
                    raise ValidationError(errors)
            if expenditures is not None:
                errors = money.expenditure_errors(expenditures)
                if errors:
                    raise ValidationError(errors)
            reason = reason or ("Created" if created else "Edited")
            _save_with_reason(current, user, _via(reason, via))
            if indicator_values is not None:
                _save_indicator_values(current, indicator_values, user)
            if expenditures is not None:
                money.save_expenditures(current, expenditures, user)
    except IntegrityError:
        # Two people creating the same period at once: the form checked, the database decides.
        raise WorkflowError(
            f"This activity already has a report for {report.period}: it was saved a moment "
            "ago by someone else."
        ) from None
    return current


def submit_report(report, user, report_url="", via=""):
    """Submit `report` for review (a draft, or a returned report after its changes).

    By its author or another editor of its region. Tells the region's reviewers by e-mail,
    with `report_url` (an absolute link). Returns (the report, the reviewers told).
    """
    with transaction.atomic():
        current = lock_report(report.pk)
        if not user.has_perm("activities.add_progressreport", current.activity):
            raise NotAllowed("Only editors of the activity's region submit its reports.")
        if not permissions.can_see_report(user, current):
            raise NotAllowed("A draft is its author's own until submitted.")
        _check_move(current, ProgressReport.State.SUBMITTED)
        current.state = ProgressReport.State.SUBMITTED
        current.submitted_at = timezone.now()
        # The previous review, if any, stays in the history; the new one starts afresh.
        current.reviewer, current.reviewed_at, current.review_comment = None, None, ""
        current.version += 1
        _save_with_reason(current, user, _via("Submitted", via))
    reviewers = list(reviewers_of(current))
    notified = _mail(
        reviewers,
        "report_submitted",
        {"report": current, "submitted_by": user, "report_url": report_url},
    )
    return current, notified


def approve_report(report, user, comment="", report_url="", via=""):
    """Approve a submitted `report`, with an optional `comment`: it counts from now on and is
    read-only (administrators excepted). By a reviewer of its region who is not its author,
    who is told by e-mail, with `report_url`. Returns (the report, [the author] or [])."""
    with transaction.atomic():
        current = lock_report(report.pk)
        _review(current, user, ProgressReport.State.APPROVED, comment)
        _save_with_reason(current, user, _via("Approved", via))
    notified = _mail(
        [current.author],
        "report_approved",
        {"report": current, "reviewer": user, "report_url": report_url},
    )
    return current, notified


def return_report(report, user, comment, report_url="", via=""):
    """Return a submitted `report` to its author with a `comment` saying what to change; the
    author is told by e-mail, with `report_url`. Returns (the report, [the author] or [])."""
    with transaction.atomic():
        current = lock_report(report.pk)
        _review(current, user, ProgressReport.State.RETURNED, comment)
        # The history row keeps the whole comment in its own field; the reason stays short
        # (history_change_reason is a 100-character column).
        _save_with_reason(current, user, _via("Returned", via))
    notified = _mail(
        [current.author],
        "report_returned",
        {"report": current, "reviewer": user, "report_url": report_url},
    )
    return current, notified


def allowed_moves(user, report):
    """The workflow moves `user` may make on `report` now, by the state they lead to: what the
    report's page offers as buttons. The services check the same rules again on the locked
    row."""
    if report.activity.is_archived:
        return set()
    moves = set()
    if report.can_become(ProgressReport.State.SUBMITTED) and user.has_perm(
        "activities.add_progressreport", report.activity
    ):
        moves.add(ProgressReport.State.SUBMITTED)
    if report.state == ProgressReport.State.SUBMITTED and user.has_perm(
        "activities.review_progressreport", report
    ):
        moves |= {ProgressReport.State.APPROVED, ProgressReport.State.RETURNED}
    return moves


def reviewers_of(report):
    """The users told of `report`'s submission: active reviewers assigned to its region, with
    an e-mail address, its author excepted (nobody reviews their own report). Administrators
    are not told unless assigned to the region."""
    return (
        get_user_model()
        # The backend that holds permissions: django-axes' backend, listed first, holds none.
        .objects.with_perm(
            "activities.review_progressreport",
            is_active=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(region_assignments__region_id=report.activity.region_id)
        .exclude(pk=report.author_id)
        .exclude(email="")
        .order_by("username")
    )


def _check_move(report, state):
    if report.activity.is_archived:
        raise WorkflowError(f"{report.activity} is archived: its reports are read-only.")
    if not report.can_become(state):
        raise WorkflowError(_refusal(report, state))


def _refusal(report, state):
    """Why `report` cannot move to `state`, in words."""
    State = ProgressReport.State
    if report.state == State.DRAFT:
        return "This report is still a draft: it is approved or returned once submitted."
    if report.state == State.SUBMITTED:
        return "This report was already submitted: it waits for its review."
    reviewer = _name(report.reviewer) if report.reviewer else "a reviewer"
    if report.state == State.RETURNED:
        return (
            f"This report was already returned to its author by {reviewer}: it is reviewed "
            "again once resubmitted."
        )
    return f"This report was already approved by {reviewer}: it is read-only."


def _name(user):
    return user.get_full_name() or user.username


def _review(report, user, state, comment):
    if not user.has_perm("activities.review_progressreport", report.activity):
        raise NotAllowed("Only reviewers of the activity's region approve or return its reports.")
    if report.author_id == user.pk:
        # The database refuses it too (progressreport_not_reviewed_by_author); say it first.
        raise WorkflowError(
            "You wrote this report: another reviewer of the region approves or returns it."
        )
    _check_move(report, state)
    comment = comment.strip()
    if state == ProgressReport.State.RETURNED and not comment:
        raise WorkflowError("Say what to change: a returned report needs a comment.")
    report.state = state
    report.reviewer = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report.version += 1


def _save_with_reason(report, user, reason):
    report._history_user, report._change_reason = user, reason
    try:
        report.save()
    finally:
        del report._history_user, report._change_reason


def _mail(users, template, context):
    """Send the e-mail `template` (templates/activities/email/<template>_subject.txt and .txt)
    to `users`. The move is already saved: a mail server down is logged, not raised. Returns
    the users written to."""
    recipients = [user.email for user in users if user.email]
    if not recipients:
        return []
    subject = " ".join(
        render_to_string(f"activities/email/{template}_subject.txt", context).split()
    )
    body = render_to_string(f"activities/email/{template}.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send %s to %s", template, recipients)
        return []
    return [user for user in users if user.email]

"""What `generate_demo_data` made, found by its marks, and removed (`clear`).

What the generator (demo.generator) makes is recognisable, so that `clear()` removes it and
nothing else: activities with `is_demo` and a reference "GEN-000001", … (with their budget
lines, reports and expenditure), users named "generated.…" (unusable passwords), action plans
coded "GEN-…" with their initiatives, initiatives of real plans whose objective starts with
GENERATED_TEXT, with their expected results, and demo rates of exchange whose source starts
with it. The demo activities and rates of seed_demo (`is_demo` without those marks) are not
touched.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from activities.models import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    BudgetLine,
    Expenditure,
    IndicatorBreakdown,
    IndicatorValue,
    PlannedContribution,
    ProgressReport,
    RegionAssignment,
)
from activities.signals import bulk_saved
from initiatives.models import (
    ActionPlan,
    ExchangeRate,
    ExpectedResult,
    Indicator,
    Initiative,
    Target,
)

REFERENCE_PREFIX = "GEN-"
USERNAME_PREFIX = "generated."
PLAN_CODE_PREFIX = "GEN-"
# The first words of every generated initiative's objective: how `clear()` finds the ones it
# added to a real plan.
GENERATED_TEXT = "Generated for development and benchmarks"
# The reported indicator `generate` gives each expected result its activities advance.
GENERATED_INDICATOR_CODE = "GEN1"
# The source of the rates of exchange `generate` makes (illustrative ones, marked `is_demo`).
GENERATED_RATE_SOURCE = f"{GENERATED_TEXT}: an illustrative rate, not a UN rate"


class DemoDataError(Exception):
    """The database lacks what the generator needs (reference data, roles), or holds data in
    the way of a clear: nothing was made or removed."""


def generated_activities():
    """The activities `generate` made (and only those)."""
    return Activity.objects.filter(is_demo=True, reference__startswith=REFERENCE_PREFIX)


def generated_users():
    """The users `generate` made: editors and reviewers named "generated.…"."""
    return get_user_model().objects.filter(username__startswith=USERNAME_PREFIX)


def generated_plans():
    """The earlier action plans `generate` made, coded "GEN-…"."""
    return ActionPlan.objects.filter(code__startswith=PLAN_CODE_PREFIX)


def generated_initiatives():
    """The initiatives `generate` made: those of its plans, and those it added to real plans
    for the regions that had none (their objective starts with GENERATED_TEXT)."""
    return Initiative.objects.filter(
        Q(action_plan__in=generated_plans()) | Q(objective__startswith=GENERATED_TEXT)
    )


def generated_results():
    """The expected results of the initiatives `generate` made."""
    return ExpectedResult.objects.filter(initiative__in=generated_initiatives())


def generated_indicators():
    """The indicators `generate` gave the expected results its activities advance (demo ones
    coded GENERATED_INDICATOR_CODE), and every indicator of the results it made."""
    return Indicator.objects.filter(
        Q(code=GENERATED_INDICATOR_CODE, is_demo=True) | Q(expected_result__in=generated_results())
    )


def generated_rates():
    """The rates of exchange `generate` made: demo ones with GENERATED_RATE_SOURCE."""
    return ExchangeRate.objects.filter(is_demo=True, source=GENERATED_RATE_SOURCE)


def generated_data_exists():
    """Whether anything `generate` made is still there: activities or users."""
    return generated_activities().exists() or generated_users().exists()


def current_plan(today=None):
    """The real action plan in force on `today` (default: today), else the latest real one:
    never a plan `generate` made."""
    return ActionPlan.objects.exclude(code__startswith=PLAN_CODE_PREFIX).current(today=today)


def clear():
    """Delete everything `generate` made: its activities with their links, budget lines,
    reports, expenditure and history rows, its users with theirs, its plans, initiatives and
    expected results, and its rates of exchange. Returns {"activities": n, "reports": n,
    "users": n, "plans": n, "initiatives": n, "expected_results": n, "rates": n}.

    Work rows are deleted in a few set-wise queries without loading them (`_raw_delete`, what
    Django's own fast delete does): deleting them one by one would write a "deleted" history
    row for each, and take minutes at 100,000 activities. Raises DemoDataError, removing
    nothing, when activities that `generate` did not make advance its expected results.
    """
    foreign_links = ActivityExpectedResult.objects.filter(
        expected_result__in=generated_results()
    ).exclude(activity__in=generated_activities())
    if foreign_links.exists():
        titles = sorted(
            set(foreign_links.values_list("activity__title", flat=True).order_by()[:20])
        )[:3]
        raise DemoDataError(
            "Activities that generate_demo_data did not make advance expected results that it "
            f"made ({'; '.join(titles)}, …): link them to other expected results or delete "
            "them first. Nothing was removed."
        )
    activity_ids = generated_activities().values("pk")
    users = generated_users()
    with transaction.atomic():
        _delete_history(Activity, id__in=activity_ids)
        _delete_history(ProgressReport, activity_id__in=activity_ids)
        values = IndicatorValue.objects.filter(report__activity_id__in=activity_ids)
        value_ids = list(values.values_list("pk", flat=True))
        _delete_history(IndicatorValue, id__in=value_ids)
        _delete_history(IndicatorBreakdown, value_id__in=value_ids)
        _delete(IndicatorBreakdown.objects.filter(value__in=values))
        _delete(values)
        planned = PlannedContribution.objects.filter(activity_id__in=activity_ids)
        _delete_history(PlannedContribution, id__in=list(planned.values_list("pk", flat=True)))
        _delete(planned)
        report_ids = ProgressReport.objects.filter(activity_id__in=activity_ids).values("pk")
        _delete_history(Expenditure, report_id__in=report_ids)
        _delete(Expenditure.objects.filter(report_id__in=report_ids))
        _delete_history(BudgetLine, activity_id__in=activity_ids)
        _delete(BudgetLine.objects.filter(activity_id__in=activity_ids))
        report_count = _delete(ProgressReport.objects.filter(activity_id__in=activity_ids))
        for link_model in (ActivityCountry, ActivityExpectedResult, Activity.target_groups.through):
            _delete(link_model.objects.filter(activity_id__in=activity_ids))
        activity_count = _delete(generated_activities())
        # Users the ordinary way: they are few, and rows elsewhere may point at them (a focal
        # point set by hand), which the delete empties. It writes "deleted" history rows for
        # them and their region assignments: removed after.
        user_ids = list(users.values_list("pk", flat=True))
        users.delete()
        _delete_history(RegionAssignment, user_id__in=user_ids)
        _delete_history(get_user_model(), id__in=user_ids)
        # Reference data last: the activities' links PROTECT it. Its history rows too, should
        # an administrator have edited it meanwhile.
        removed = {}
        # The links of the results it made to those that continue them, or that they continue
        # (demo.reference_data maps its earlier plan's results to the current plan's).
        _delete(
            ExpectedResult.continues.through.objects.filter(
                Q(from_expectedresult__in=generated_results())
                | Q(to_expectedresult__in=generated_results())
            )
        )
        indicators = generated_indicators()
        other_values = IndicatorValue.objects.filter(indicator__in=indicators)
        _delete(IndicatorBreakdown.objects.filter(value__in=other_values))
        _delete(other_values)
        _delete(PlannedContribution.objects.filter(indicator__in=indicators))
        for name, model, queryset in [
            ("targets", Target, Target.objects.filter(indicator__in=indicators)),
            ("indicators", Indicator, indicators),
            ("expected_results", ExpectedResult, generated_results()),
            ("initiatives", Initiative, generated_initiatives()),
            ("plans", ActionPlan, generated_plans()),
            ("rates", ExchangeRate, generated_rates()),
        ]:
            ids = list(queryset.values_list("pk", flat=True))
            _delete_history(model, id__in=ids)
            removed[name] = _delete(model.objects.filter(pk__in=ids))
        bulk_saved.send(sender=Activity)  # `_raw_delete` sends no post_delete
    return {
        "activities": activity_count,
        "reports": report_count,
        "users": len(user_ids),
        **removed,
    }


def _delete(queryset):
    # None when the query can match nothing (Django does not run it): no row deleted.
    return queryset._raw_delete(queryset.db) or 0


def _delete_history(model, **lookup):
    """Delete the history rows of `model` that match `lookup`, with their many-to-many rows.
    Nothing for a model without history (users have one once activities.auth_history gives
    it to them)."""
    if not hasattr(model, "history"):
        return
    rows = model.history.filter(**lookup)
    for m2m_field in rows.model._history_m2m_fields:
        m2m_rows = getattr(rows.model, m2m_field.name).model.objects
        _delete(m2m_rows.filter(history_id__in=rows.values("history_id")))
    _delete(rows)

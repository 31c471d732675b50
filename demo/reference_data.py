"""The reference data a sector-wide deployment has and the fixtures lack, made by
`generate_demo_data` where it is missing (`make_reference_data`): initiatives for every region
without any in the current plan, an earlier action plan with initiatives for every region, and
the mapping of the earlier plan's expected results to the current plan's that continue them;
and the monthly rates of exchange of the currencies its money is in (`make_rates`). Their
texts say that they are generated (the marks of demo.generated); they get no history rows."""

import datetime
from collections import defaultdict

from activities.signals import bulk_saved
from demo.generated import (
    GENERATED_RATE_SOURCE,
    GENERATED_TEXT,
    PLAN_CODE_PREFIX,
    DemoDataError,
    current_plan,
)
from demo.money import illustrative_rate
from initiatives.models import (
    ActionPlan,
    ExchangeRate,
    ExpectedResult,
    Indicator,
    Initiative,
    Region,
)

INITIATIVES_PER_REGION = 5
RESULTS_PER_INITIATIVE = 7
PLAN_YEARS = 4  # a WTDC action plan runs four years, from one conference to the next


def make_reference_data(as_of):
    """Make the reference data that a sector-wide deployment has and the fixtures lack, where
    it is missing: initiatives for every region in the current plan, and one earlier plan
    with initiatives for every region, each of its expected results continued by one (or two)
    of the current plan's (`_map_continues`). Real reference data is never changed, but for
    the links from the current plan's results to the earlier ones they continue, which
    `demo.generated.clear()` removes with the earlier plan.

    Returns the plans to draw from, earliest first, and how many initiatives and expected
    results it created.
    """
    plan = current_plan(as_of)
    if plan is None:
        raise DemoDataError(
            "There is no action plan: run `python manage.py load_reference_data` first."
        )
    regions = list(Region.objects.filter(countries__isnull=False).distinct().order_by("code"))
    if not regions:
        raise DemoDataError(
            "There are no countries: run `python manage.py load_reference_data` first."
        )
    start_year = plan.start_year - PLAN_YEARS
    code = f"{PLAN_CODE_PREFIX}{start_year % 100:02d}"
    if not ActionPlan.objects.filter(code=code).exists():
        # bulk_create, like everything the generator writes: no history row to clear.
        ActionPlan.objects.bulk_create(
            [
                ActionPlan(
                    code=code,
                    name=f"Generated earlier action plan ({start_year}–{plan.start_year - 1})",
                    conference=f"None: {GENERATED_TEXT.lower()}",
                    start_year=start_year,
                    end_year=plan.start_year - 1,
                )
            ]
        )
    earlier = ActionPlan.objects.get(code=code)
    initiatives = results = 0
    for each in (earlier, plan):
        made = _make_initiatives(each, regions)
        initiatives += made
        results += made * RESULTS_PER_INITIATIVE
    mapped = _map_continues(earlier, plan)
    if initiatives or mapped:
        bulk_saved.send(sender=Initiative)
    return [earlier, plan], initiatives, results


def _map_continues(earlier, plan):
    """Map each expected result of `earlier` that no result of `plan` continues yet to the
    result of `plan` at the same place in its region (in the order of initiative codes and
    numbers, round again where `plan` has fewer), and the last result of each earlier
    initiative to the next one too (a result split in two): what administrators set between
    two plans, so that activities still linked to `earlier` count in `plan`'s figures.
    Deterministic; returns how many links it made."""
    link = ExpectedResult.continues.through
    already = set(
        link.objects.filter(
            to_expectedresult__initiative__action_plan=earlier,
            from_expectedresult__initiative__action_plan=plan,
        ).values_list("to_expectedresult_id", flat=True)
    )
    continuing = _results_by_region(plan)
    links = []
    for region_id, results in _results_by_region(earlier).items():
        later = continuing.get(region_id)
        if not later:
            continue
        for place, (pk, number) in enumerate(results):
            if pk in already:
                continue
            targets = {later[place % len(later)][0]}
            if number == RESULTS_PER_INITIATIVE:
                targets.add(later[(place + 1) % len(later)][0])
            links += [link(from_expectedresult_id=to, to_expectedresult_id=pk) for to in targets]
    link.objects.bulk_create(links)
    return len(links)


def _results_by_region(plan):
    """Region id → [(pk, number)] of `plan`'s expected results, by initiative code and number."""
    by_region = defaultdict(list)
    results = ExpectedResult.objects.filter(initiative__action_plan=plan).order_by(
        "initiative__code", "number"
    )
    for pk, number, region_id in results.values_list("pk", "number", "initiative__region_id"):
        by_region[region_id].append((pk, number))
    return by_region


def _make_initiatives(plan, regions):
    """Create INITIATIVES_PER_REGION initiatives of RESULTS_PER_INITIATIVE expected results in
    `plan` for each of `regions` that has no initiative in it; returns how many initiatives."""
    having = set(plan.initiatives.values_list("region_id", flat=True))
    missing = [region for region in regions if region.pk not in having]
    if not missing:
        return 0
    Initiative.objects.bulk_create(
        Initiative(
            action_plan=plan,
            region=region,
            code=f"{region.code}{number}",
            title=f"Generated initiative {number} of {region.name}",
            objective=(
                f"{GENERATED_TEXT} by generate_demo_data, which removes it with --clear: it "
                f"stands for a regional initiative of {region.name} and is not a real one."
            ),
        )
        for region in missing
        for number in range(1, INITIATIVES_PER_REGION + 1)
    )
    made = Initiative.objects.filter(action_plan=plan, region__in=missing).order_by("code")
    ExpectedResult.objects.bulk_create(
        ExpectedResult(
            initiative=initiative,
            number=number,
            text=(
                f"Generated expected result {number} of {initiative.code}, for development and "
                "benchmarks: not a real expected result."
            ),
        )
        for initiative in made
        for number in range(1, RESULTS_PER_INITIATIVE + 1)
    )
    Indicator.objects.add_computed(ExpectedResult.objects.filter(initiative__in=made))
    return len(missing) * INITIATIVES_PER_REGION


def make_rates(years, currencies):
    """Give each of `currencies` an illustrative rate (demo.money) for every month of `years`
    that has none, so that every budget line and expenditure of the generated activities
    converts. Rates already there, real or the demo's, are kept. Returns how many it made."""
    months = [datetime.date(year, month, 1) for year in years for month in range(1, 13)]
    having = set(
        ExchangeRate.objects.filter(currency__in=currencies, month__in=months).values_list(
            "currency", "month"
        )
    )
    made = ExchangeRate.objects.bulk_create(
        ExchangeRate(
            currency=currency,
            month=month,
            rate=illustrative_rate(currency, month),
            source=GENERATED_RATE_SOURCE,
            is_demo=True,
        )
        for currency in currencies
        for month in months
        if (currency, month) not in having
    )
    if made:
        bulk_saved.send(sender=ExchangeRate)
    return len(made)

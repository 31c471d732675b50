"""The IATI 2.03 activity file of a region's activities of a year (`region_document`), as the
IATI Registry publishes it, and its check against the schema (`validate`).

Which activities: those the region's regional report counts for the plan and year (the same
`Scope`: active in the year, neither archived nor cancelled, advancing one of the plan's
expected results, or any with `all_work`), less those an editor keeps out of the publication
(`Activity.iati_excluded`).

What each `iati-activity` says, in the order the schema wants it:

- `iati-identifier`: settings.IATI_ORGANISATION_IDENTIFIER, "-", the activity's uid (IATI
  asks that an identifier never change once published: a reference is optional and may be
  edited, the uid never changes; the reference goes in `other-identifier`);
- `reporting-org`, `title`, `description` (the title again when the activity has none: the
  schema requires one);
- `participating-org`: the reporting organisation (accountable and implementing), each partner
  of `Activity.partners` (implementing) and each funding partner of its extra-budgetary budget
  lines (funding);
- `activity-status`, `activity-date` (planned or actual by status), `recipient-country` (equal
  percentages summing to exactly 100), `sector` (settings.IATI_SECTOR_CODE);
- `budget`: one per year and currency, the sum of that year's budget lines in that currency,
  for the calendar year, valued on 1 January (the date whose rate converts a budget line);
- `result`: one per expected result it is linked to, with its indicators whose values come from
  progress reports (reported ones and people reached), each with its baseline and a `period`
  per year of the plan that the activity runs in, up to the file's year, that has a target
  (the indicator's target for the year) or an actual (from the activity's approved reports).

A fixed number of queries, whatever the number of activities.
"""

import datetime
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch, Sum
from django.utils import timezone
from lxml import etree

from activities.models import Activity, FundingSource, ProgressReport
from initiatives.models import Country, ExpectedResult, Indicator, Target
from initiatives.money import budget_month, equal_shares
from reports.queries.indicators import approved_value_rows, reported_actual
from reports.queries.scope import PlanScope, Scope

VERSION = "2.03"
CONTENT_TYPE = "application/xml"
SCHEMA_FILE = Path(__file__).parent / "data" / "iati-2.03" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Status = Activity.Status
Unit = Indicator.Unit

# IATI codelists of 2.03: ActivityStatus, ActivityDateType, OrganisationRole, OrganisationType,
# IndicatorMeasure.
ACTIVITY_STATUS = {
    Status.PLANNED: "1",  # Pipeline/identification
    Status.ONGOING: "2",  # Implementation
    Status.COMPLETED: "3",  # Finalisation
    Status.CANCELLED: "5",  # Cancelled
    Status.SUSPENDED: "6",  # Suspended
}
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
FUNDING, ACCOUNTABLE, IMPLEMENTING = "1", "2", "4"
MULTILATERAL = "40"
INDICATOR_MEASURE = {
    Unit.NUMBER: "1",  # Unit
    Unit.PERCENT: "2",  # Percentage
    Unit.YES_NO: "3",  # Nominal
    Unit.MILESTONE: "4",  # Ordinal: steps 0 to 4
}
OWN_VOCABULARY = "99"  # results' and indicators' codes: the reporting organisation's own
OUTPUT = "1"  # ResultType
ORIGINAL, COMMITTED = "1", "2"  # BudgetType, BudgetStatus
DAC_PURPOSE_CODES = "1"  # SectorVocabulary: 5 digits


# --- Which activities


def published(activities):
    """Those of `activities` that the IATI file may show: not kept out of it by an editor."""
    return activities.filter(iati_excluded=False)


def region_document(region, plan, year, *, all_work=False):
    """The IATI file (an `iati-activities` element) of `region`'s activities that its regional
    report counts for `plan` and `year`, less those kept out of the publication."""
    scope = Scope(plan=plan, year=year, region=region, all_work=all_work)
    return build_document(published(scope.activities()), year)


def all_regions_document(plan, year, *, all_work=False):
    """The IATI file of every region's activities counted for `plan` and `year`, less those
    kept out of the publication."""
    scope = PlanScope(plan=plan, year=year, all_work=all_work)
    return build_document(published(scope.activities()), year)


def filename(region, year):
    """E.g. "iati-ASP-2026.xml"."""
    return f"iati-{region.code}-{year}.xml"


# --- The file


def build_document(activities, year, generated_at=None):
    """The `iati-activities` element of `activities` (a queryset) as of `year`: results'
    periods run up to `year`, budgets cover every year of their lines. Ten queries at most
    (and those of the queryset's subqueries), whatever the number of activities: the
    activities, their countries, expected results, indicators, targets and budget lines, the
    reported values with the countries they count (three), the people reached."""
    activities = list(
        activities.prefetch_related(
            Prefetch("countries", queryset=Country.objects.order_by("name")),
            Prefetch(
                "expected_results",
                queryset=ExpectedResult.objects.select_related("initiative__action_plan").order_by(
                    "initiative__code", "number"
                ),
            ),
            Prefetch(
                "expected_results__indicators",
                queryset=Indicator.objects.from_reports()
                .select_related(None)
                .prefetch_related(
                    Prefetch("targets", queryset=Target.objects.filter(year__isnull=False))
                )
                .order_by("code"),
            ),
            "budget_lines",
        ).order_by("title", "pk")
    )
    facts = _ReportedFacts(activities, year)
    generated_at = generated_at or timezone.now()
    root = etree.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": _datetime(generated_at)},
    )
    for activity in activities:
        root.append(_activity(activity, year, facts))
    return root


def to_bytes(document):
    """The file's bytes: UTF-8 with its XML declaration, indented."""
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def schema():
    """The IATI 2.03 activity schema, from the project's own copy (reports/data/iati-2.03),
    never from the network. Built anew for each check: lxml keeps a schema's errors on it."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE), parser))


def validate(document):
    """What the schema finds wrong with `document` (an element), as messages with the line of
    the file (`to_bytes`) they are on: empty when it is valid."""
    checker = schema()
    parsed = etree.fromstring(to_bytes(document), etree.XMLParser(no_network=True))
    if checker.validate(parsed):
        return []
    return [f"line {error.line}: {error.message}" for error in checker.error_log]


class _ReportedFacts:
    """What the activities' approved progress reports say, fetched once for all of them: the
    values of their reported indicators (up to `year`) and the people they reached, by year."""

    def __init__(self, activities, year):
        indicators = {
            indicator.pk: indicator
            for activity in activities
            for result in activity.expected_results.all()
            for indicator in result.indicators.all()
            if indicator.measure == Indicator.Measure.REPORTED
        }
        self.rows = defaultdict(list)  # (indicator id, activity id) → its ValueRows
        for indicator_id, rows in approved_value_rows(list(indicators), year).items():
            for row in rows:
                self.rows[indicator_id, row.activity_id].append(row)
        reached = (
            ProgressReport.objects.approved()
            .filter(activity__in=[activity.pk for activity in activities], year__lte=year)
            .order_by()
            .values("activity_id", "year")
            .annotate(women=Sum("people_reached_women"), men=Sum("people_reached_men"))
        )
        self.people = {(r["activity_id"], r["year"]): r["women"] + r["men"] for r in reached}

    def actual(self, indicator, activity, year, plan):
        """The activity's actual of `indicator` for `year` (None: no approved report gives
        one), counted as the dashboard counts the indicator's, from its own reports only."""
        if indicator.measure == Indicator.Measure.PEOPLE_REACHED:
            return self.people.get((activity.pk, year))
        rows = self.rows.get((indicator.pk, activity.pk), [])
        return reported_actual(indicator, rows, year, plan.start_year).value


# --- One activity


def iati_identifier(activity):
    """The organisation's identifier and the activity's uid, which never changes:
    "XM-DAC-41303-0f8c…"."""
    return f"{settings.IATI_ORGANISATION_IDENTIFIER}-{activity.uid}"


def _activity(activity, year, facts):
    element = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": _datetime(activity.updated_at),
            XML_LANG: "en",
            "default-currency": "USD",
        },
    )
    _sub(element, "iati-identifier").text = iati_identifier(activity)
    reporting_org = _sub(
        element, "reporting-org", ref=settings.IATI_ORGANISATION_IDENTIFIER, type=MULTILATERAL
    )
    _narrative(reporting_org, settings.IATI_ORGANISATION_NAME)
    _narrative(_sub(element, "title"), activity.title)
    _narrative(_sub(element, "description", type="1"), activity.description or activity.title)
    _participating_orgs(element, activity)
    if activity.reference:  # A1: the reporting organisation's own reference of the activity
        _sub(element, "other-identifier", ref=activity.reference, type="A1")
    _sub(element, "activity-status", code=ACTIVITY_STATUS[activity.status])
    for date_type, day in activity_dates(activity):
        _sub(element, "activity-date", {"type": date_type, "iso-date": day.isoformat()})
    countries = list(activity.countries.all())
    for country, share in zip(countries, equal_shares(len(countries)), strict=True):
        _sub(element, "recipient-country", code=country.iso2, percentage=f"{share:f}")
    _sub(
        element,
        "sector",
        vocabulary=DAC_PURPOSE_CODES,
        code=settings.IATI_SECTOR_CODE,
        percentage="100",
    )
    _budgets(element, activity)
    for result in activity.expected_results.all():
        _result(element, activity, result, year, facts)
    return element


def _participating_orgs(element, activity):
    for role in (ACCOUNTABLE, IMPLEMENTING):
        organisation = _sub(
            element,
            "participating-org",
            ref=settings.IATI_ORGANISATION_IDENTIFIER,
            type=MULTILATERAL,
            role=role,
        )
        _narrative(organisation, settings.IATI_ORGANISATION_NAME)
    for partner in partner_names(activity.partners):
        _narrative(_sub(element, "participating-org", role=IMPLEMENTING), partner)
    for funder in funding_partners(activity.budget_lines.all()):
        _narrative(_sub(element, "participating-org", role=FUNDING), funder)


def partner_names(partners):
    """The partners of `Activity.partners`, one per line or per part between semicolons (the
    spreadsheets' and the demo's way: "APNIC; Tonga MEIDECC"), each once, in order."""
    names = (name.strip() for name in re.split(r"[\r\n;]+", partners))
    return list(dict.fromkeys(name for name in names if name))


def funding_partners(budget_lines):
    """The funding partners named by the extra-budgetary ones of `budget_lines`, each once."""
    return list(
        dict.fromkeys(
            line.funding_partner
            for line in budget_lines
            if line.funding_source == FundingSource.EXTRA_BUDGETARY and line.funding_partner
        )
    )


def activity_dates(activity):
    """(IATI date type, day) of the activity's start and end: actual once it has started
    (ongoing, suspended, completed), planned before (planned; cancelled, which may never have
    started); its end actual once completed, planned otherwise, none while it has no end date."""
    started = activity.status in (Status.ONGOING, Status.SUSPENDED, Status.COMPLETED)
    dates = [(ACTUAL_START if started else PLANNED_START, activity.start_date)]
    if activity.end_date:
        ended = activity.status == Status.COMPLETED
        dates.append((ACTUAL_END if ended else PLANNED_END, activity.end_date))
    return dates


def budgets(budget_lines):
    """((year, currency), amount) for each year and currency of `budget_lines`: the sum of
    that year's lines in that currency, by year then currency."""
    totals = defaultdict(Decimal)
    for line in budget_lines:
        totals[line.year, line.currency] += line.amount
    return sorted(totals.items())


def _budgets(element, activity):
    for (year, currency), amount in budgets(activity.budget_lines.all()):
        budget = _sub(element, "budget", type=ORIGINAL, status=COMMITTED)
        _sub(budget, "period-start", {"iso-date": datetime.date(year, 1, 1).isoformat()})
        _sub(budget, "period-end", {"iso-date": datetime.date(year, 12, 31).isoformat()})
        value = _sub(
            budget, "value", {"currency": currency, "value-date": budget_month(year).isoformat()}
        )
        value.text = f"{amount:.2f}"


def _result(element, activity, result, year, facts):
    indicators = list(result.indicators.all())
    if not indicators:
        return  # a result needs an indicator; every expected result has people reached
    plan = result.initiative.action_plan
    node = _sub(element, "result", {"type": OUTPUT, "aggregation-status": "0"})
    _narrative(_sub(node, "title"), result.text)
    _sub(node, "reference", vocabulary=OWN_VOCABULARY, code=result.code)
    for indicator in indicators:
        _indicator(node, activity, indicator, year, plan, facts)


def period_years(activity, plan, year):
    """The years a result's periods cover: those of `plan` that the activity runs in, up to
    `year` (the file's)."""
    first = max(activity.start_date.year, plan.start_year)
    last = min(plan.end_year, year)
    if activity.end_date:
        last = min(last, activity.end_date.year)
    return range(first, last + 1)


def _indicator(node, activity, indicator, year, plan, facts):
    ascending = "true" if indicator.direction == Indicator.Direction.UP else "false"
    element = _sub(
        node, "indicator", measure=INDICATOR_MEASURE[indicator.unit], ascending=ascending
    )
    _narrative(_sub(element, "title"), indicator.name)
    _sub(element, "reference", vocabulary=OWN_VOCABULARY, code=indicator.full_code)
    if indicator.baseline_year and indicator.baseline_value is not None:
        _sub(
            element,
            "baseline",
            year=str(indicator.baseline_year),
            value=_number(indicator.baseline_value),
        )
    targets = {target.year: target.value for target in indicator.targets.all()}
    for period_year in period_years(activity, plan, year):
        target = targets.get(period_year)
        actual = facts.actual(indicator, activity, period_year, plan)
        if target is None and actual is None:
            continue
        period = _sub(element, "period")
        _sub(period, "period-start", {"iso-date": datetime.date(period_year, 1, 1).isoformat()})
        _sub(period, "period-end", {"iso-date": datetime.date(period_year, 12, 31).isoformat()})
        if target is not None:
            _sub(period, "target", value=_number(target))
        if actual is not None:
            _sub(period, "actual", value=_number(actual))


# --- Writing


def _sub(parent, tag, attributes=None, **more):
    """A child `tag` of `parent` with `attributes` (for names with hyphens) and `more`."""
    return etree.SubElement(parent, tag, {**(attributes or {}), **more})


def _narrative(parent, text):
    etree.SubElement(parent, "narrative").text = text


def _datetime(moment):
    return moment.replace(microsecond=0).isoformat()


def _number(value):
    """A Decimal without trailing zeros: 40.00 → "40", 12.50 → "12.5"."""
    return f"{Decimal(value).normalize():f}"

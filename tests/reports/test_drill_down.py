"""Every figure of a region's dashboard links to the list of exactly what it counts: a viewer who
follows the link sees a list whose total is the figure — on a varied hand-built data set and on
the demo data.

Activity figures link to the activity list (its paginator counts every page); the figures of
countries and of expected results link to the dashboard's own lists of countries and results.
"""

import datetime
import sys

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from activities.filters import ActivityFilter
from activities.models import Activity, ProgressReport
from initiatives.models import ActionPlan, Region
from reports.queries.region import region_figures
from reports.queries.scope import Figure
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    UserFactory,
    approved_report,
    initiative_with_results,
)

Status = Activity.Status
YEAR = 2026


# --- The figures of each kind, as (name, Figure)


def activity_figures(figs, kind):
    """The figures of `kind` that link to the activity list."""
    if kind == "total":
        return [("all activities", figs.activities_total)]
    if kind == "by status":
        return [(status, figure) for status, _, figure in figs.activities_by_status]
    if kind == "initiatives":
        return [
            (f"{i.initiative.code} {name}", getattr(i, name))
            for i in figs.initiatives
            for name in ("activities", "ongoing", "completed")
        ]
    if kind == "expected results":
        return [
            (f"{r.result.code} {name}", getattr(r, name))
            for r in figs.results
            for name in ("activities", "ongoing", "completed")
        ]
    if kind == "countries":
        return [(c.country.iso3, c.activities) for c in figs.countries]
    if kind == "people reached":
        return [("activities reporting people reached", figs.people_reached["activities"])]
    if kind == "stale":
        return [("stale activities", figs.stale[0])]
    raise ValueError(kind)


ACTIVITY_FIGURE_KINDS = [
    "total",
    "by status",
    "initiatives",
    "expected results",
    "countries",
    "people reached",
    "stale",
]


def country_figures(figs, kind):
    """The figures of `kind` that link to the list of the region's countries."""
    if kind == "reached per expected result":
        return [(r.result.code, r.countries_reached) for r in figs.results]
    if kind == "reached per initiative":
        return [(i.initiative.code, i.countries_reached) for i in figs.initiatives]
    if kind == "reach":
        return [
            (f"{reach.label} {name}", getattr(reach, name))
            for reach in figs.reach
            for name in ("total", "reached")
        ]
    raise ValueError(kind)


COUNTRY_FIGURE_KINDS = ["reached per expected result", "reached per initiative", "reach"]


def result_figures(figs, kind):
    """The figures of `kind` that link to the list of the region's expected results."""
    if kind == "coverage":
        covered, total = figs.coverage
        return [("covered", covered), ("total", total)]
    if kind == "per initiative":
        return [
            (f"{i.initiative.code} {name}", getattr(i, name))
            for i in figs.initiatives
            for name in ("covered", "results_total")
        ]
    raise ValueError(kind)


RESULT_FIGURE_KINDS = ["coverage", "per initiative"]


# --- The lists the figures link to


def activities_listed(client, url):
    """The total of the activity list at `url` (every page), after checking it has no error."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filterset"].errors, (url, response.context["filterset"].errors)
    return response.context["paginator"].count


def countries_listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return len(response.context["countries"])


def results_listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return len(response.context["results"])


def mismatches(client, named_figures, listed):
    """(name, figure, listed) of each figure whose list does not hold as many rows as it says."""
    assert named_figures, "no figure of this kind"
    assert any(figure.value for _, figure in named_figures), "every figure is 0: the data misses"
    found = []
    for name, figure in named_figures:
        count = listed(client, figure.url)
        if count != figure.value:
            found.append((name, figure.value, count, figure.url))
    return found


class DrillDown:
    """The drill-down tests, run on the data set of each subclass's class-scoped fixture."""

    @pytest.fixture
    def figures(self):
        return region_figures(
            Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), YEAR
        )

    @pytest.fixture
    def signed_in(self, client, viewer):
        client.force_login(viewer)
        return client

    @pytest.mark.parametrize("kind", ACTIVITY_FIGURE_KINDS)
    def test_each_activity_figure_links_to_a_list_of_its_size(self, signed_in, figures, kind):
        named_figures = activity_figures(figures, kind)
        assert mismatches(signed_in, named_figures, activities_listed) == []

    def test_each_matrix_cell_links_to_a_list_of_its_size(self, signed_in, figures):
        """Each filled cell's list is shown and counted. The empty cells, too many to show one
        by one, link to the list of every activity counted narrowed to the cell's country and
        expected result, and no activity of that list has both."""
        cells = [(row.country, cell) for row in figures.matrix for cell in row.cells]
        filled = [
            (f"{country.iso3} × {cell.result.code}", Figure(cell.activities, cell.url))
            for country, cell in cells
            if cell.activities
        ]
        assert len(filled) > 1
        assert mismatches(signed_in, filled, activities_listed) == []

        path, query = figures.activities_total.url.split("?")
        every_activity_counted = QueryDict(query)
        filterset = ActivityFilter(every_activity_counted, Activity.objects.for_list())
        assert not filterset.errors
        pairs = {
            (country.pk, result.pk)
            for activity in filterset.qs
            for country in activity.countries.all()
            for result in activity.expected_results.all()
        }
        wrong = []
        for country, cell in cells:
            if cell.activities:
                continue
            cell_path, cell_query = cell.url.split("?")
            narrowed = QueryDict(cell_query, mutable=True)
            assert narrowed.pop("country") == [country.iso3]
            assert narrowed.pop("result") == [cell.result.code]
            assert (cell_path, sorted(narrowed.lists())) == (
                path,
                sorted(every_activity_counted.lists()),
            )
            if (country.pk, cell.result.pk) in pairs:
                wrong.append((country.iso3, cell.result.code))
        assert wrong == []

    @pytest.mark.parametrize("kind", COUNTRY_FIGURE_KINDS)
    def test_each_country_figure_links_to_a_list_of_its_size(self, signed_in, figures, kind):
        named_figures = country_figures(figures, kind)
        assert mismatches(signed_in, named_figures, countries_listed) == []

    @pytest.mark.parametrize("kind", RESULT_FIGURE_KINDS)
    def test_each_expected_result_figure_links_to_a_list_of_its_size(
        self, signed_in, figures, kind
    ):
        named_figures = result_figures(figures, kind)
        assert mismatches(signed_in, named_figures, results_listed) == []


def rolled_back_after(django_db_blocker, load):
    """Run `load()` in a transaction that stays open for the tests of a class (each test nests
    its own inside) and is rolled back after them, so that other tests start without the data."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def build_varied_data():
    """Asia-Pacific activities of every kind a figure must count or leave out, and a few that
    belong elsewhere (another region, another action plan)."""
    day = datetime.date
    since_2024 = {"start_date": day(2024, 1, 1), "end_date": None}
    in_2026 = {"start_date": day(2026, 2, 1), "end_date": day(2026, 11, 30)}
    funding = Activity.FundingSource

    # Multi-country, multi-result activities, in LDCs, SIDS and LLDCs (Lao PDR among them).
    pacific = ActivityFactory(
        countries=["TON", "FJI", "TUV"],
        expected_results=["ASP1.3", "ASP3.4"],
        budget=(120_000, funding.ICT_DF),
        **since_2024,
    )
    mekong = ActivityFactory(
        countries=["LAO", "KHM"],
        expected_results=["ASP2.1", "ASP5.2"],
        status=Status.COMPLETED,
        budget=(80_000, funding.EXTRA_BUDGETARY, "EUR"),
        **in_2026,
    )
    landlocked = ActivityFactory(
        countries=["MNG", "AFG", "BTN", "NPL"],
        expected_results=["ASP2.1", "ASP2.4", "ASP4.2"],
        budget=(0, funding.REGULAR_BUDGET),
        **since_2024,
    )
    ActivityFactory(countries=["LAO"], expected_results=["ASP1.1"], **since_2024)
    ActivityFactory(countries=["TUV"], expected_results=["ASP1.3"], budget=(10, funding.IN_KIND))
    ActivityFactory(
        countries=["KIR", "SLB"], expected_results=["ASP1.3"], status=Status.SUSPENDED, **in_2026
    )
    ActivityFactory(
        countries=["PNG"],
        expected_results=["ASP3.1", "ASP3.2"],
        status=Status.PLANNED,
        start_date=day(2026, 12, 1),
        end_date=day(2028, 6, 30),
    )
    # Left out of 2026: planned in other years, ended in 2025, cancelled, archived.
    ActivityFactory(
        countries=["VUT"],
        expected_results=["ASP1.3"],
        status=Status.PLANNED,
        start_date=day(2025, 11, 1),
        end_date=day(2027, 6, 30),
    )
    ActivityFactory(
        countries=["MMR"],
        expected_results=["ASP5.1"],
        status=Status.PLANNED,
        start_date=day(2027, 3, 1),
        end_date=None,
    )
    ActivityFactory(
        countries=["BGD"],
        expected_results=["ASP5.1"],
        status=Status.COMPLETED,
        start_date=day(2025, 1, 1),
        end_date=day(2025, 12, 31),
    )
    ActivityFactory(countries=["TLS"], expected_results=["ASP4.1"], status=Status.CANCELLED)
    ActivityFactory(countries=["TLS"], expected_results=["ASP4.1"], archived_at=timezone.now())
    # Elsewhere: another region, another action plan, no expected result at all.
    initiative_with_results("AFR", "AFR1")
    ActivityFactory(
        region=Region.objects.get(code="AFR"), countries=["KEN"], expected_results=["AFR1.1"]
    )
    ActionPlan.objects.create(
        code="WTDC-22", name="Kigali Action Plan", start_year=2023, end_year=2025
    )
    kigali = initiative_with_results("ASP", "ASP1", plan_code="WTDC-22")
    ActivityFactory(countries=["FJI"], expected_results=[]).expected_results.set(
        kigali.expected_results.all()
    )
    ActivityFactory(countries=["FJI"], expected_results=[])

    # Progress reports: approved ones count, drafts and submitted ones never; one activity is
    # stale (ongoing since 2024 with no recent approved report), the others have reported.
    approved_report(pacific, 2026, 2, percent_complete=40, people_reached_women=25)
    approved_report(pacific, 2026, 3, percent_complete=60, people_reached_men=18)
    approved_report(mekong, 2026, 3, percent_complete=100, people_reached_women=9)
    approved_report(landlocked, 2025, 4, percent_complete=10)
    ProgressReportFactory(activity=landlocked, year=2026, quarter=3, people_reached_women=99)
    ProgressReportFactory(
        activity=mekong, year=2026, quarter=4, state=ProgressReport.State.SUBMITTED
    )


def load_demo():
    # The demo fixture names its authors and reviewers: the demo users of seed_demo.
    for username in ("asp.editor", "asp.reviewer"):
        UserFactory(username=username)
    call_command("loaddata", "demo", verbosity=0)


@pytest.fixture(scope="class")
def hand_built_data(django_db_setup, django_db_blocker):
    yield from rolled_back_after(django_db_blocker, build_varied_data)


@pytest.fixture(scope="class")
def demo_data(django_db_setup, django_db_blocker):
    yield from rolled_back_after(django_db_blocker, load_demo)


@pytest.mark.usefixtures("hand_built_data")
class TestHandBuiltData(DrillDown):
    pass


@pytest.mark.usefixtures("demo_data")
class TestDemoData(DrillDown):
    pass

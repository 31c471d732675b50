"""Every rule of the data is enforced by the database itself, not only by forms."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from activities.models import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    FundingSource,
    ProgressReport,
)
from initiatives.models import (
    ActionPlan,
    Country,
    Designation,
    ExpectedResult,
    Initiative,
    Region,
)
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    ExpenditureFactory,
    ProgressReportFactory,
    UserFactory,
    expected_result,
)

day = datetime.date


def rejected(write):
    """Run `write` and tell whether the database refused it (leaving the transaction usable)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def asp():
    return Region.objects.get(code="ASP")


def baku():
    return ActionPlan.objects.get(code="WTDC-25")


class TestReferenceData:
    def test_codes_are_unique(self, db):
        assert rejected(lambda: Region.objects.create(code="ASP", name="Again"))
        assert rejected(
            lambda: ActionPlan.objects.create(
                code="WTDC-25", name="x", start_year=2026, end_year=2029
            )
        )
        assert rejected(
            lambda: Initiative.objects.create(
                action_plan=baku(), region=asp(), code="ASP1", title="x", objective="x"
            )
        )
        asp1 = Initiative.objects.get(code="ASP1")
        assert rejected(lambda: ExpectedResult.objects.create(initiative=asp1, number=1, text="x"))

    @pytest.mark.parametrize(
        "fields",
        [
            {"iso3": "TON", "iso2": "XX", "m49": "999", "name": "Again"},
            {"iso3": "XXX", "iso2": "TO", "m49": "999", "name": "Again"},
            {"iso3": "XXX", "iso2": "XX", "m49": "776", "name": "Again"},
            {"iso3": "XXX", "iso2": "XX", "m49": "999", "name": "Tonga"},
            {"iso3": "xx1", "iso2": "XX", "m49": "999", "name": "Bad code"},
            {"iso3": "XXX", "iso2": "x", "m49": "999", "name": "Bad code"},
        ],
    )
    def test_country_codes_are_unique_and_well_formed(self, db, fields):
        assert rejected(lambda: Country.objects.create(region=asp(), **fields))

    def test_a_good_country_is_accepted(self, db):
        assert not rejected(
            lambda: Country.objects.create(region=asp(), iso3="XXX", iso2="XX", m49="999", name="X")
        )

    def test_an_action_plan_does_not_end_before_it_starts(self, db):
        assert rejected(
            lambda: ActionPlan.objects.create(code="X", name="x", start_year=2030, end_year=2029)
        )

    def test_an_expected_result_is_numbered_from_one(self, db):
        asp1 = Initiative.objects.get(code="ASP1")
        assert rejected(lambda: ExpectedResult.objects.create(initiative=asp1, number=0, text="x"))

    def test_a_designation_ends_after_it_starts(self, db):
        fiji = Country.objects.get(iso3="FJI")
        assert rejected(
            lambda: Designation.objects.create(
                country=fiji, group_id="LDC", start_date=day(2026, 1, 1), end_date=day(2026, 1, 1)
            )
        )

    def test_a_country_is_in_a_group_once_per_start(self, db):
        tonga = Country.objects.get(iso3="TON")
        assert rejected(lambda: Designation.objects.create(country=tonga, group_id="SIDS"))
        Designation.objects.create(country=tonga, group_id="LDC", start_date=day(2030, 1, 1))
        assert rejected(
            lambda: Designation.objects.create(
                country=tonga, group_id="LDC", start_date=day(2030, 1, 1)
            )
        )

    def test_reference_data_in_use_cannot_be_deleted(self, db):
        ActivityFactory(countries=["TON"], expected_results=["ASP3.4"])
        with pytest.raises(ProtectedError):
            Country.objects.get(iso3="TON").delete()
        with pytest.raises(ProtectedError):
            expected_result("ASP3.4").delete()
        with pytest.raises(ProtectedError):
            Initiative.objects.get(code="ASP3").delete()
        with pytest.raises(ProtectedError):
            asp().delete()
        assert Country.objects.filter(iso3="TON").exists()
        assert ExpectedResult.objects.filter(initiative__code="ASP3", number=4).exists()


class TestActivities:
    def test_a_reference_is_unique_when_given(self, db):
        ActivityFactory(reference="ITU-RAS-001")
        assert rejected(lambda: ActivityFactory(reference="ITU-RAS-001"))
        ActivityFactory(reference="")
        assert not rejected(lambda: ActivityFactory(reference=""))

    def test_the_end_is_not_before_the_start(self, db):
        assert rejected(
            lambda: ActivityFactory(start_date=day(2026, 5, 1), end_date=day(2026, 4, 30))
        )
        assert not rejected(
            lambda: ActivityFactory(start_date=day(2026, 5, 1), end_date=day(2026, 5, 1))
        )

    def test_amounts_are_not_negative(self, db):
        activity = ActivityFactory()
        assert rejected(lambda: BudgetLineFactory(activity=activity, amount=-1))
        assert rejected(lambda: ExpenditureFactory(amount=-1))
        assert rejected(
            lambda: Activity.objects.filter(pk=activity.pk).update(planned_participants_women=-5)
        )

    def test_a_budget_line_is_given_once_and_names_the_partner_of_extra_budgetary_money(self, db):
        line = BudgetLineFactory()
        assert rejected(lambda: BudgetLineFactory(activity=line.activity))
        assert rejected(
            lambda: BudgetLineFactory(
                activity=line.activity, funding_source=FundingSource.EXTRA_BUDGETARY
            )
        )
        assert not rejected(
            lambda: BudgetLineFactory(
                activity=line.activity,
                funding_source=FundingSource.EXTRA_BUDGETARY,
                funding_partner="World Bank",
            )
        )

    def test_a_share_is_a_percentage(self, db):
        activity = ActivityFactory()
        links = ActivityExpectedResult.objects.filter(activity=activity)
        assert rejected(lambda: links.update(share=101))
        assert rejected(lambda: links.update(share=-1))

    def test_a_country_is_linked_to_an_activity_once(self, db):
        activity = ActivityFactory(countries=["TON"])
        assert rejected(
            lambda: ActivityCountry.objects.create(
                activity=activity, country=Country.objects.get(iso3="TON")
            )
        )

    def test_an_activity_with_reports_cannot_be_deleted(self, db):
        report = ProgressReportFactory()
        with pytest.raises(ProtectedError):
            report.activity.delete()


class TestProgressReports:
    def test_one_report_per_activity_and_period(self, db):
        report = ProgressReportFactory(year=2026, quarter=2)
        assert rejected(
            lambda: ProgressReportFactory(activity=report.activity, year=2026, quarter=2)
        )
        assert not rejected(
            lambda: ProgressReportFactory(activity=report.activity, year=2026, quarter=3)
        )

    @pytest.mark.parametrize("percent", [-1, 101])
    def test_percent_is_between_0_and_100(self, db, percent):
        report = ProgressReportFactory()
        assert rejected(
            lambda: ProgressReport.objects.filter(pk=report.pk).update(percent_complete=percent)
        )

    @pytest.mark.parametrize("quarter", [0, 5])
    def test_the_quarter_is_1_to_4(self, db, quarter):
        assert rejected(lambda: ProgressReportFactory(quarter=quarter))

    def test_a_reviewed_report_names_its_reviewer(self, db):
        report = ProgressReportFactory()
        assert rejected(
            lambda: ProgressReport.objects.filter(pk=report.pk).update(state="approved")
        )

    def test_nobody_reviews_their_own_report(self, db):
        report = ProgressReportFactory()
        now = datetime.datetime.now(datetime.UTC)
        assert rejected(
            lambda: ProgressReport.objects.filter(pk=report.pk).update(
                state="approved", reviewer=report.author, reviewed_at=now
            )
        )
        assert not rejected(
            lambda: ProgressReport.objects.filter(pk=report.pk).update(
                state="approved", reviewer=UserFactory(), reviewed_at=now
            )
        )

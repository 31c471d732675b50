"""An activity's budget and split: /activities/<id>/money/. Its editors give its budget lines
(year, funding source, partner, amount, currency) and how its money splits across its expected
results, saved through the activity's write path (version, history, the money's rules); its
page shows the lines in US dollars with the rate used, the total per year and the split."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import timezone

from activities import money, services
from activities.models import Activity, BudgetLine, FundingSource
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    ExchangeRateFactory,
    UserFactory,
    budget_form_data,
    expected_result,
)

pytestmark = pytest.mark.django_db

REGULAR, EXTRA, ICT_DF = (
    FundingSource.REGULAR_BUDGET,
    FundingSource.EXTRA_BUDGETARY,
    FundingSource.ICT_DF,
)


@pytest.fixture
def ixp():
    """An activity of two years advancing two expected results."""
    return ActivityFactory(
        title="IXP in Tonga",
        expected_results=["ASP1.3", "ASP3.4"],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )


@pytest.fixture
def colleague(db):
    return UserFactory(username="colleague", first_name="Mele", role="Editor", regions=["ASP"])


def url(activity):
    return reverse("activities:activity_money", args=[activity.pk])


def line(year=2026, source=REGULAR, amount="10000", currency="USD", partner=""):
    return {
        "year": year,
        "funding_source": source,
        "funding_partner": partner,
        "amount": amount,
        "currency": currency,
    }


def saved_lines(activity):
    return list(
        activity.budget_lines.values_list(
            "year", "funding_source", "funding_partner", "amount", "currency"
        )
    )


def assert_refused(response, activity, message, version=1):
    """The page came back with `message`, and nothing of the activity's money changed."""
    assert response.status_code == 200
    page = response.text
    assert "Nothing is saved yet" in page
    assert message in page, page[page.find('class="form-errors"') :][:2000]
    activity.refresh_from_db()
    assert activity.version == version


# --- Budget lines ---------------------------------------------------------------------------


def test_an_editor_adds_budget_lines_in_the_years_of_the_activity(client, asp_editor, ixp):
    client.force_login(asp_editor)
    page = client.get(url(ixp))
    assert page.status_code == 200
    assert "Budget and split" in page.text
    assert "A year the activity runs in: 2026 to 2027." in page.text

    response = client.post(
        url(ixp),
        budget_form_data(
            ixp,
            lines=[
                line(2026, REGULAR, "10000"),
                line(2026, EXTRA, "9000", "eur", partner="World Bank"),
                line(2027, ICT_DF, "5000.50", "CHF"),
            ],
        ),
    )

    assert response.status_code == 302 and response["Location"] == ixp.get_absolute_url()
    assert sorted(saved_lines(ixp)) == [
        (2026, EXTRA, "World Bank", Decimal("9000.00"), "EUR"),
        (2026, REGULAR, "", Decimal("10000.00"), "USD"),
        (2027, ICT_DF, "", Decimal("5000.50"), "CHF"),
    ]
    ixp.refresh_from_db()
    assert ixp.version == 2
    reason = ixp.history.first().history_change_reason
    assert reason.startswith("Budget lines: added ")
    assert ixp.history.first().history_user == asp_editor
    # Each line has its history row, by its editor.
    created = BudgetLine.history.filter(activity_id=ixp.pk, history_type="+")
    assert created.count() == 3
    assert {row.history_user for row in created} == {asp_editor}
    follow = client.get(ixp.get_absolute_url())
    assert f"The budget and split of “{ixp}” are saved." in follow.text


def test_the_page_offers_the_lines_saved_and_empty_ones_to_add(client, asp_editor, ixp):
    BudgetLineFactory(activity=ixp, year=2027, funding_source=EXTRA, funding_partner="KOICA")
    client.force_login(asp_editor)
    response = client.get(url(ixp))
    lines = response.context["lines"]
    assert len(lines.forms) == 1 + 3
    assert lines.forms[0]["funding_partner"].value() == "KOICA"
    assert 'value="KOICA"' in response.text
    assert "Remove this row" in response.text
    assert response.text.count("New budget line") == 3


def test_a_line_outside_the_years_of_the_activity_is_refused(client, asp_editor, ixp):
    client.force_login(asp_editor)
    response = client.post(url(ixp), budget_form_data(ixp, lines=[line(2025), line(2026)]))
    assert_refused(
        response, ixp, "2025 is not a year the activity runs in (2026 to 2027). Give its money"
    )
    assert 'name="lines-0-year" value="2025"' in response.text  # the input is kept
    assert not ixp.budget_lines.exists()


def test_a_line_of_an_activity_without_end_date_may_be_for_a_later_year(client, asp_editor):
    activity = ActivityFactory(start_date=datetime.date(2026, 3, 1), end_date=None)
    client.force_login(asp_editor)
    response = client.post(url(activity), budget_form_data(activity, lines=[line(2029)]))
    assert response.status_code == 302
    response = client.post(url(activity), budget_form_data(activity, lines=[line(2025)]))
    assert_refused(response, activity, "(2026 on)", version=2)


def test_extra_budgetary_money_without_its_partner_is_refused(client, asp_editor, ixp):
    client.force_login(asp_editor)
    response = client.post(url(ixp), budget_form_data(ixp, lines=[line(source=EXTRA)]))
    assert_refused(response, ixp, BudgetLine.PARTNER_NEEDED)
    lines = response.context["lines"]
    assert lines.forms[0].errors["funding_partner"] == [BudgetLine.PARTNER_NEEDED]
    assert not ixp.budget_lines.exists()


def test_a_currency_that_is_no_iso_code_is_refused(client, asp_editor, ixp):
    client.force_login(asp_editor)
    response = client.post(url(ixp), budget_form_data(ixp, lines=[line(currency="xyz")]))
    assert_refused(response, ixp, "XYZ is not one.")
    assert response.context["lines"].forms[0].has_error("currency")
    assert 'value="xyz"' in response.text  # as typed
    assert not ixp.budget_lines.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "-5", "An amount cannot be negative."),
        ("amount", "12,5", "Give an amount, such as 12000 or 12000.50."),
        ("amount", "1.234", "At most two decimals (cents)."),
        ("year", "twenty", "Give a year, such as 2026."),
        ("funding_source", "", "Choose the funding source of this money."),
        ("funding_source", "lottery", "Choose one of the funding sources of the list."),
    ],
)
def test_a_line_with_a_wrong_field_says_so_at_the_field(
    client, asp_editor, ixp, field, value, message
):
    client.force_login(asp_editor)
    response = client.post(url(ixp), budget_form_data(ixp, lines=[{**line(), field: value}]))
    assert_refused(response, ixp, message)
    assert any(message in error for error in response.context["lines"].forms[0].errors[field])


def test_two_lines_for_the_same_year_source_and_currency_are_refused(client, asp_editor, ixp):
    client.force_login(asp_editor)
    response = client.post(
        url(ixp), budget_form_data(ixp, lines=[line(amount="100"), line(amount="200")])
    )
    assert_refused(
        response,
        ixp,
        "Two budget lines are for 2026, ITU regular budget, USD: give it one line with the sum",
    )
    assert not ixp.budget_lines.exists()


def test_empty_rows_are_ignored(client, asp_editor, ixp):
    client.force_login(asp_editor)
    empty = {"year": "", "funding_source": "", "amount": "", "currency": "USD"}
    response = client.post(url(ixp), budget_form_data(ixp, lines=[line(), empty, empty]))
    assert response.status_code == 302
    assert len(saved_lines(ixp)) == 1


def test_an_editor_changes_an_amount_and_removes_a_line(client, asp_editor, ixp):
    kept = BudgetLineFactory(activity=ixp, year=2026)
    BudgetLineFactory(activity=ixp, year=2027)
    client.force_login(asp_editor)
    data = budget_form_data(ixp)
    data["lines-0-amount"] = "12000"
    data["lines-1-DELETE"] = "on"

    response = client.post(url(ixp), data)

    assert response.status_code == 302
    assert saved_lines(ixp) == [(2026, REGULAR, "", Decimal("12000.00"), "USD")]
    assert ixp.budget_lines.get().pk == kept.pk  # changed, not replaced
    reason = ixp.history.first().history_change_reason
    assert reason.startswith("Budget lines: removed 2027 ITU regular budget: 10000.00 USD; ")
    assert BudgetLine.history.filter(activity_id=ixp.pk, history_type="-").count() == 1
    changed = BudgetLine.history.filter(id=kept.pk, history_type="~").get()
    assert (changed.amount, changed.history_user) == (Decimal("12000.00"), asp_editor)


def test_a_line_moved_from_the_old_single_budget_keeps_not_stated(client, asp_editor, ixp):
    BudgetLineFactory(activity=ixp, funding_source="")
    client.force_login(asp_editor)
    response = client.get(url(ixp))
    assert '<option value="" selected>Not stated</option>' in response.text
    data = budget_form_data(ixp)
    data["lines-0-amount"] = "999"
    assert client.post(url(ixp), data).status_code == 302
    assert saved_lines(ixp) == [(2026, "", "", Decimal("999.00"), "USD")]


def test_nothing_changed_says_so_and_saves_nothing(client, asp_editor, ixp):
    BudgetLineFactory(activity=ixp)
    client.force_login(asp_editor)
    response = client.post(url(ixp), budget_form_data(ixp), follow=True)
    assert "Nothing to save: you changed no budget line and no share." in response.text
    ixp.refresh_from_db()
    assert ixp.version == 1


# --- The split across expected results ------------------------------------------------------


def test_the_money_splits_in_equal_shares_by_default(client, asp_editor):
    activity = ActivityFactory(expected_results=["ASP1.1", "ASP1.3", "ASP3.4"])
    client.force_login(asp_editor)
    form = client.get(url(activity)).context["split"]
    assert form["split"].value() == "equal"
    assert [form[f"share-{r.pk}"].value() for r in form.expected_results] == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    page = client.get(activity.get_absolute_url()).text
    assert "In equal shares." in page
    assert '<th scope="row">ASP1.1</th><td class="number">33.34%</td>' in page


def test_an_editor_sets_the_shares(client, asp_editor, ixp):
    client.force_login(asp_editor)
    response = client.post(
        url(ixp), budget_form_data(ixp, split="set", shares={"ASP1.3": "70", "ASP3.4": "30"})
    )
    assert response.status_code == 302
    ixp.refresh_from_db()
    assert ixp.custom_split and ixp.version == 2
    assert money.shares_of(ixp) == {
        expected_result("ASP1.3").pk: Decimal("70.00"),
        expected_result("ASP3.4").pk: Decimal("30.00"),
    }
    assert ixp.history.first().history_change_reason == "Money split: set shares"
    page = client.get(ixp.get_absolute_url()).text
    assert "In shares set by an editor." in page
    assert '<th scope="row">ASP1.3</th><td class="number">70%</td>' in page


def test_shares_that_do_not_sum_to_100_are_refused_and_the_input_kept(client, asp_editor, ixp):
    client.force_login(asp_editor)
    response = client.post(
        url(ixp),
        budget_form_data(
            ixp, lines=[line()], split="set", shares={"ASP1.3": "60", "ASP3.4": "30.5"}
        ),
    )
    assert_refused(
        response,
        ixp,
        "The shares sum to 90.5 %: they must sum to exactly 100 %, so that the activity",
    )
    page = response.text
    assert 'value="60"' in page and 'value="30.5"' in page
    assert 'value="set" id="id_split_1" required checked' in page
    ixp.refresh_from_db()
    assert not ixp.custom_split and not ixp.budget_lines.exists()
    assert set(money.shares_of(ixp).values()) == {Decimal("50.00")}


def test_a_set_share_must_be_given_for_each_result(client, asp_editor, ixp):
    client.force_login(asp_editor)
    data = budget_form_data(ixp, split="set", shares={"ASP1.3": "100", "ASP3.4": ""})
    assert_refused(client.post(url(ixp), data), ixp, "Give the share of ASP3.4, from 0 to 100 (%).")


def test_the_write_path_refuses_shares_not_summing_to_100_whoever_calls(asp_editor, ixp):
    shares = {expected_result("ASP1.3"): Decimal("50"), expected_result("ASP3.4"): Decimal("49")}
    with pytest.raises(ValidationError) as refused:
        services.save_activity(asp_editor, ixp, shares=shares, version=ixp.version)
    assert "The shares sum to 99 %" in refused.value.message_dict[NON_FIELD_ERRORS][0]
    ixp.refresh_from_db()
    assert not ixp.custom_split and ixp.version == 1


def test_an_editor_goes_back_to_equal_shares(client, asp_editor, ixp):
    client.force_login(asp_editor)
    shares = {"ASP1.3": "70", "ASP3.4": "30"}
    client.post(url(ixp), budget_form_data(ixp, split="set", shares=shares))
    ixp.refresh_from_db()

    response = client.post(url(ixp), budget_form_data(ixp, split="equal"))

    assert response.status_code == 302
    ixp.refresh_from_db()
    assert not ixp.custom_split
    assert ixp.history.first().history_change_reason == "Money split: equal shares"
    assert set(money.shares_of(ixp).values()) == {Decimal("50.00")}


# --- Who may, and when ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["viewer", "afr_editor"])
def test_others_than_the_regions_editors_are_refused_and_nothing_changes(
    client, request, ixp, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(ixp)).status_code == 403
    response = client.post(url(ixp), budget_form_data(ixp, lines=[line()], split="set"))
    assert response.status_code == 403
    ixp.refresh_from_db()
    assert ixp.version == 1 and not ixp.budget_lines.exists() and not ixp.custom_split


def test_an_archived_activity_is_refused(client, asp_editor, ixp):
    Activity.objects.filter(pk=ixp.pk).update(archived_at=timezone.now())
    client.force_login(asp_editor)
    response = client.get(url(ixp), follow=True)
    assert response.redirect_chain[-1][0] == ixp.get_absolute_url()
    assert "This activity is archived: restore it before editing it." in response.text
    response = client.post(url(ixp), budget_form_data(ixp, lines=[line()]))
    assert response.status_code == 302
    assert not ixp.budget_lines.exists()


def test_the_edit_link_is_offered_to_the_regions_editors_only(
    client, viewer, asp_editor, afr_editor, ixp
):
    for user, offered in [(asp_editor, True), (viewer, False), (afr_editor, False)]:
        client.force_login(user)
        page = client.get(ixp.get_absolute_url()).text
        assert ("Edit budget and split" in page) is offered, user
        assert (url(ixp) in page) is offered, user
    Activity.objects.filter(pk=ixp.pk).update(archived_at=timezone.now())
    client.force_login(asp_editor)
    assert "Edit budget and split" not in client.get(ixp.get_absolute_url()).text


def test_an_edit_conflict_keeps_the_input_and_overwrites_nothing(
    client, asp_editor, colleague, ixp
):
    opened = budget_form_data(ixp, lines=[line(amount="7777")])
    # Meanwhile a colleague gives the activity another line.
    client.force_login(colleague)
    client.post(url(ixp), budget_form_data(ixp, lines=[line(2027, ICT_DF, "3000")]))

    client.force_login(asp_editor)
    response = client.post(url(ixp), opened)

    assert response.status_code == 200
    page = response.text
    assert "Someone else saved this activity while you were editing it" in page
    assert re.search(r"Mele\s+saved it", page)
    assert "Budget lines: 2027 ICT Development Fund: 3000.00 USD." in page  # saved now
    assert 'value="7777"' in page  # the input is kept
    assert response.context["split"]["version"].value() == 2
    assert saved_lines(ixp) == [(2027, ICT_DF, "", Decimal("3000.00"), "USD")]

    # Saving again, knowingly, saves the input as it is.
    response = client.post(url(ixp), {**opened, "version": 2})
    assert response.status_code == 302
    assert saved_lines(ixp) == [(2026, REGULAR, "", Decimal("7777.00"), "USD")]
    ixp.refresh_from_db()
    assert ixp.version == 3


def test_a_forged_share_of_another_expected_result_is_ignored(client, asp_editor, ixp):
    client.force_login(asp_editor)
    data = budget_form_data(ixp, split="set", shares={"ASP1.3": "60", "ASP3.4": "40"})
    data[f"share-{expected_result('ASP5.1').pk}"] = "50"
    assert client.post(url(ixp), data).status_code == 302
    assert expected_result("ASP5.1").pk not in money.shares_of(ixp)


def test_a_tampered_row_count_is_refused(client, asp_editor, ixp):
    client.force_login(asp_editor)
    data = budget_form_data(ixp, lines=[line()])
    del data["lines-TOTAL_FORMS"]
    response = client.post(url(ixp), data)
    assert response.status_code == 200
    assert "ManagementForm data is missing" in response.text
    assert not ixp.budget_lines.exists()


# --- The activity's page --------------------------------------------------------------------


def test_the_activity_page_shows_the_lines_in_dollars_with_the_rate_used(client, viewer, ixp):
    ExchangeRateFactory(currency="EUR", month=datetime.date(2026, 1, 1), rate=Decimal("0.9"))
    ExchangeRateFactory(
        currency="CHF", month=datetime.date(2027, 1, 1), rate=Decimal("0.8"), is_demo=True
    )
    BudgetLineFactory(activity=ixp, year=2026, amount=Decimal("10000"))
    BudgetLineFactory(
        activity=ixp,
        year=2026,
        funding_source=EXTRA,
        funding_partner="World Bank",
        amount=Decimal("9000"),
        currency="EUR",
    )
    BudgetLineFactory(activity=ixp, year=2027, funding_source=ICT_DF, amount=4000, currency="CHF")
    client.force_login(viewer)

    page = client.get(ixp.get_absolute_url()).text

    for text in [
        "<td>Extra-budgetary (World Bank)</td>",
        '<td class="number">9,000 EUR</td>',
        '<td class="number">10,000 USD</td>',  # 9,000 EUR at 0.9
        "0.9 EUR for 1 USD, rate of January 2026",
        "0.8 CHF for 1 USD, rate of January 2027 (illustrative: demo data)",
        # The total per year, in US dollars.
        '<th scope="row">2026</th>\n          <td class="number">20,000 USD</td>',
        '<th scope="row">2027</th>\n          <td class="number">5,000 USD</td>',
    ]:
        assert text in page, text
    assert "no rate for" not in page


def test_a_missing_rate_is_said_never_guessed(client, viewer, ixp):
    BudgetLineFactory(activity=ixp, amount=Decimal("500"), currency="EUR")
    BudgetLineFactory(activity=ixp, amount=Decimal("100"))
    client.force_login(viewer)
    page = client.get(ixp.get_absolute_url()).text
    assert "no rate for EUR in 2026-01" in page
    assert '<td class="number">100 USD</td>' in page  # the total converted so far
    assert "500 EUR: <strong" in page  # and what is not


def test_an_activity_without_budget_says_so(client, viewer, ixp):
    client.force_login(viewer)
    assert "No budget line." in client.get(ixp.get_absolute_url()).text

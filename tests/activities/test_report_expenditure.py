"""What a progress report says was spent in its quarter, per funding source and currency: given
in the report's form, saved with the report in the same call of its write path
(`services.save_report`), shown on the report's page in US dollars with the rate used."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from activities import services
from activities.models import Expenditure, FundingSource, ProgressReport
from tests.factories import (
    ActivityFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    ProgressReportFactory,
    UserFactory,
    expenditure_form_data,
    progress_report_form_data,
)

pytestmark = pytest.mark.django_db

REGULAR, EXTRA = FundingSource.REGULAR_BUDGET, FundingSource.EXTRA_BUDGETARY
EMPTY = {"funding_source": "", "amount": "", "currency": "USD"}


@pytest.fixture
def activity():
    return ActivityFactory(title="IXP in Tonga")


@pytest.fixture
def draft(asp_editor, activity):
    return ProgressReportFactory(activity=activity, author=asp_editor, quarter=2)


@pytest.fixture
def colleague(db):
    return UserFactory(username="colleague", first_name="Mele", role="Editor", regions=["ASP"])


@pytest.fixture
def shared(asp_editor):
    """A returned report: any editor of the region may correct it."""
    report = ProgressReportFactory(
        author=asp_editor,
        state=ProgressReport.State.RETURNED,
        reviewer=UserFactory(),
        reviewed_at=timezone.now(),
        review_comment="Say what was spent.",
    )
    ExpenditureFactory(report=report, amount=Decimal("100"))
    return report


def new_url(activity):
    return f"/activities/{activity.pk}/reports/new/"


def edit_url(report):
    return f"/activities/{report.activity_id}/reports/{report.pk}/edit/"


def spent(report):
    return sorted(report.expenditures.values_list("funding_source", "amount", "currency"))


def edit_data(report, rows, **changes):
    """The edit form as read from `report`, with `rows` of expenditure (its own saved first)."""
    saved = list(report.expenditures.all())
    data = progress_report_form_data(report, **changes)
    data.update(expenditure_form_data(rows, saved=min(len(saved), len(rows))))
    data["spent-read"] = ";".join(
        sorted(f"{row.funding_source} {row.currency} {row.amount}" for row in saved)
    )
    return data


def test_a_new_report_states_what_was_spent_and_its_page_shows_it(client, asp_editor, activity):
    ExchangeRateFactory(currency="EUR", month=datetime.date(2026, 7, 1), rate=Decimal("0.8"))
    client.force_login(asp_editor)
    form = client.get(new_url(activity)).text
    assert "What was spent this quarter" in form
    data = progress_report_form_data()  # 2026 Q3
    rows = [
        {"funding_source": REGULAR, "amount": "2500"},
        {"funding_source": EXTRA, "amount": "800", "currency": "eur"},
        EMPTY,
    ]
    data.update(expenditure_form_data(rows))

    response = client.post(new_url(activity), data, follow=True)

    report = activity.reports.get()
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert spent(report) == [
        (EXTRA, Decimal("800.00"), "EUR"),
        (REGULAR, Decimal("2500.00"), "USD"),
    ]
    created = Expenditure.history.filter(report_id=report.pk, history_type="+")
    assert {row.history_user for row in created} == {asp_editor} and created.count() == 2
    page = response.text
    for text in [
        "What was spent this quarter",
        '<th scope="row">ITU regular budget</th>',
        '<td class="number">2,500 USD</td>',
        '<td class="number">800 EUR</td>',
        '<td class="number">1,000 USD</td>',  # 800 EUR at 0.8
        "0.8 EUR for 1 USD, rate of July 2026",
    ]:
        assert text in page, text


def test_a_missing_rate_is_said_on_the_reports_page(client, asp_editor, draft):
    ExpenditureFactory(report=draft, amount=Decimal("300"), currency="XOF")
    client.force_login(asp_editor)
    page = client.get(draft.get_absolute_url()).text
    assert "no rate for XOF in 2026-04" in page  # Q2: the rate of April


def test_a_report_that_spent_nothing_says_so(client, asp_editor, draft):
    client.force_login(asp_editor)
    assert "No expenditure stated." in client.get(draft.get_absolute_url()).text


def test_empty_rows_are_ignored(client, asp_editor, activity):
    client.force_login(asp_editor)
    data = {**progress_report_form_data(), **expenditure_form_data([EMPTY, EMPTY])}
    assert client.post(new_url(activity), data).status_code == 302
    assert not Expenditure.objects.exists()


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"funding_source": REGULAR, "amount": "10", "currency": "XYZ"}, "currency", "XYZ"),
        ({"funding_source": REGULAR, "amount": "-10"}, "amount", "cannot be negative"),
        ({"funding_source": "", "amount": "10"}, "funding_source", "Choose the funding source"),
    ],
)
def test_a_wrong_row_is_refused_at_its_field_and_the_input_kept(
    client, asp_editor, activity, row, field, message
):
    client.force_login(asp_editor)
    data = {**progress_report_form_data(achievements="Kept words."), **expenditure_form_data([row])}

    response = client.post(new_url(activity), data)

    assert response.status_code == 200
    assert "The report is not saved yet. Please correct what was spent" in response.text
    errors = response.context["spent"].forms[0].errors[field]
    assert any(message in error for error in errors), errors
    assert "Kept words." in response.text
    assert not activity.reports.exists() and not Expenditure.objects.exists()


def test_the_same_source_and_currency_twice_is_refused(client, asp_editor, activity):
    client.force_login(asp_editor)
    rows = [{"funding_source": REGULAR, "amount": "10"}, {"funding_source": REGULAR, "amount": "5"}]
    data = {**progress_report_form_data(), **expenditure_form_data(rows)}
    response = client.post(new_url(activity), data)
    assert response.status_code == 200
    assert (
        "Two lines state what was spent from ITU regular budget in USD: give one line with their "
        "sum." in response.text
    )
    assert not activity.reports.exists()


def test_an_edit_changes_an_amount_and_removes_a_row(client, asp_editor, draft):
    kept = ExpenditureFactory(report=draft, funding_source=REGULAR)
    ExpenditureFactory(report=draft, funding_source=EXTRA)
    client.force_login(asp_editor)
    rows = [
        {"funding_source": EXTRA, "amount": "2500.00", "DELETE": "on"},
        {"funding_source": REGULAR, "amount": "4000"},
    ]
    assert client.post(edit_url(draft), edit_data(draft, rows)).status_code == 302
    assert spent(draft) == [(REGULAR, Decimal("4000.00"), "USD")]
    assert draft.expenditures.get().pk == kept.pk
    draft.refresh_from_db()
    assert draft.version == 2
    assert Expenditure.history.filter(report_id=draft.pk, history_type="-").count() == 1


def test_an_edit_of_what_was_spent_only_is_saved(client, asp_editor, draft):
    client.force_login(asp_editor)
    rows = [{"funding_source": REGULAR, "amount": "99"}]
    response = client.post(edit_url(draft), edit_data(draft, rows), follow=True)
    assert "Your changes to the report for 2026 Q2 are saved." in response.text
    assert spent(draft) == [(REGULAR, Decimal("99.00"), "USD")]


def test_nothing_changed_says_so(client, asp_editor, draft):
    ExpenditureFactory(report=draft)
    client.force_login(asp_editor)
    rows = [{"funding_source": REGULAR, "amount": "2500.00"}]
    response = client.post(edit_url(draft), edit_data(draft, rows), follow=True)
    assert "Nothing to save: you changed no field." in response.text
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_form_sent_without_the_rows_leaves_them_as_they_are(client, asp_editor, draft):
    ExpenditureFactory(report=draft)
    client.force_login(asp_editor)
    response = client.post(edit_url(draft), progress_report_form_data(draft, achievements="New."))
    assert response.status_code == 302
    assert spent(draft) == [(REGULAR, Decimal("2500.00"), "USD")]


def test_it_is_saved_only_through_save_report_with_the_report(
    client, asp_editor, activity, monkeypatch
):
    calls = []
    save_report = services.save_report

    def spy(user, report, **kwargs):
        calls.append(kwargs.get("expenditures"))
        return save_report(user, report, **kwargs)

    monkeypatch.setattr(services, "save_report", spy)
    client.force_login(asp_editor)
    data = progress_report_form_data()
    data.update(expenditure_form_data([{"funding_source": REGULAR, "amount": "70"}]))

    client.post(new_url(activity), data)

    [rows] = calls
    assert [(row.funding_source, row.amount, row.pk) for row in rows] == [
        (REGULAR, Decimal("70"), None)
    ]
    assert spent(activity.reports.get()) == [(REGULAR, Decimal("70.00"), "USD")]


def test_nothing_is_saved_when_the_report_is_refused(client, asp_editor, draft):
    """The report was submitted meanwhile: neither it nor what was spent is saved."""
    client.force_login(asp_editor)
    data = edit_data(draft, [{"funding_source": REGULAR, "amount": "70"}], achievements="Late.")
    ProgressReport.objects.filter(pk=draft.pk).update(
        state=ProgressReport.State.SUBMITTED, submitted_at=timezone.now()
    )
    client.post(edit_url(draft), data)
    assert not draft.expenditures.exists()
    draft.refresh_from_db()
    assert draft.achievements != "Late."


def test_an_editor_of_another_region_is_refused(client, afr_editor, activity, shared):
    client.force_login(afr_editor)
    rows = [{"funding_source": EXTRA, "amount": "1"}]
    data = {**progress_report_form_data(), **expenditure_form_data(rows)}
    assert client.post(new_url(activity), data).status_code == 403
    assert client.post(edit_url(shared), edit_data(shared, rows)).status_code == 403
    assert not activity.reports.exists()
    assert spent(shared) == [(REGULAR, Decimal("100.00"), "USD")]


# --- Two people editing the same report -----------------------------------------------------


def test_their_expenditure_is_kept_when_you_changed_only_the_words(
    client, asp_editor, colleague, shared
):
    mine = edit_data(shared, [{"funding_source": REGULAR, "amount": "100.00"}], achievements="M.")
    client.force_login(colleague)
    client.post(edit_url(shared), edit_data(shared, [{"funding_source": REGULAR, "amount": "300"}]))

    client.force_login(asp_editor)
    response = client.post(edit_url(shared), mine)

    assert response.status_code == 200
    assert "Someone else saved this progress report" in response.text
    assert "You both changed what was spent" not in response.text
    formset = response.context["spent"]
    assert formset.forms[0]["amount"].value() == Decimal("300.00")  # theirs, in the form
    assert spent(shared) == [(REGULAR, Decimal("300.00"), "USD")]


def test_when_both_changed_what_was_spent_yours_waits_and_theirs_is_shown(
    client, asp_editor, colleague, shared
):
    mine = edit_data(shared, [{"funding_source": REGULAR, "amount": "200"}])
    client.force_login(colleague)
    client.post(edit_url(shared), edit_data(shared, [{"funding_source": REGULAR, "amount": "300"}]))

    client.force_login(asp_editor)
    response = client.post(edit_url(shared), mine)

    assert response.status_code == 200
    page = response.text
    assert "You both changed what was spent." in page
    assert "saved now: ITU regular budget: 300.00 USD" in page
    assert re.search(r'name="spent-0-amount" value="200"', page)  # yours, in the form
    assert spent(shared) == [(REGULAR, Decimal("300.00"), "USD")]  # nothing overwritten

    # Saving the form as it came back saves yours.
    shown = response.context["spent"]
    data = {**mine, "version": response.context["form"]["version"].value()}
    data["spent-read"] = shown.read
    assert client.post(edit_url(shared), data).status_code == 302
    assert spent(shared) == [(REGULAR, Decimal("200.00"), "USD")]

"""A progress report's indicator values: the report form (/activities/<id>/reports/new/ and
…/<report>/edit/) takes a value of each reported indicator of the activity's expected results,
broken down as the indicator says, saved with the report or not at all; the report's page shows
them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities import services
from activities.models import IndicatorBreakdown, IndicatorValue, ProgressReport
from initiatives.models import ExpectedResult, Indicator
from tests.factories import ActivityFactory, ProgressReportFactory, progress_report_form_data


def result(initiative_code, number):
    return ExpectedResult.objects.get_by_natural_key("WTDC-25", initiative_code, number)


@pytest.fixture
def activity(db):
    """An activity in Tonga and Fiji that advances ASP1.3."""
    return ActivityFactory(title="Digital skills for Pacific officials", countries=["TON", "FJI"])


@pytest.fixture
def trained(db):
    return Indicator.objects.create(
        expected_result=result("ASP1", 3),
        code="1",
        name="People trained",
        by_sex=True,
        by_country=True,
    )


def new_url(activity):
    return f"/activities/{activity.pk}/reports/new/"


def edit_url(report):
    return f"/activities/{report.activity_id}/reports/{report.pk}/edit/"


def name(indicator, part="value"):
    """The posted name of an indicator's field: its value, or a part ("sex-women")."""
    return f"indicators-{indicator.pk}-{part}"


def as_posted(values_form, **changes):
    """What the browser posts for the indicator values as `values_form` shows them, changed by
    `changes` ({posted name: value})."""
    data = {}
    for field in values_form:
        value = field.value()
        data[field.html_name] = "" if value is None else str(value)
    data.update(changes)
    return data


def saved_breakdown(value):
    return {(part.dimension, part.category): part.amount for part in value.breakdown.all()}


def test_the_form_offers_each_reported_indicator_with_its_breakdown(client, asp_editor, activity):
    trained = Indicator.objects.create(
        expected_result=result("ASP1", 3),
        code="1",
        name="People trained",
        by_sex=True,
        by_age=True,
        by_disability=True,
        by_country=True,
    )
    client.force_login(asp_editor)
    response = client.get(new_url(activity))
    page = response.text
    assert "<legend>ASP1.3-1 People trained" in page
    assert "(number)" in page
    assert f'<label for="id_{name(trained)}">Value</label>' in page
    for part, label in [
        ("sex-women", "Women"),
        ("sex-men", "Men"),
        ("sex-unknown", "Not recorded"),
        ("age-under_25", "Under 25"),
        ("age-65_over", "65 and over"),
        ("disability-with", "With disabilities"),
        ("country-TON", "Tonga"),
        ("country-FJI", "Fiji"),
    ]:
        assert f'<label for="id_{name(trained, part)}">{label}</label>' in page
    for legend in ["By sex", "By age group", "By disability", "By country"]:
        assert f"<legend>{legend}</legend>" in page


def test_computed_indicators_and_those_of_other_results_are_not_offered(
    client, asp_editor, activity, trained
):
    elsewhere = Indicator.objects.create(
        expected_result=result("ASP3", 4), code="1", name="IXPs established"
    )
    computed = Indicator.objects.computed().filter(expected_result=result("ASP1", 3))
    assert computed.count() == 6  # every expected result has them
    client.force_login(asp_editor)
    form = client.get(new_url(activity)).context["values_form"]
    assert form.indicators == [trained]
    assert "ASP1.3-CR" not in client.get(new_url(activity)).text
    assert "IXPs established" not in client.get(new_url(activity)).text

    # A value posted for them anyway is not taken.
    forged = {name(elsewhere): "3", **{name(indicator): "2" for indicator in computed}}
    response = client.post(new_url(activity), progress_report_form_data(**forged))
    assert response.status_code == 302
    assert activity.reports.count() == 1
    assert not IndicatorValue.objects.exists()


def test_a_value_with_its_breakdown_is_saved_with_the_report(client, asp_editor, activity, trained):
    client.force_login(asp_editor)
    response = client.post(
        new_url(activity),
        progress_report_form_data(
            **{
                name(trained): "40",
                name(trained, "sex-women"): "25",
                name(trained, "sex-men"): "15",
                name(trained, "sex-unknown"): "",  # empty: 0
                name(trained, "country-TON"): "30",
                name(trained, "country-FJI"): "10",
            }
        ),
    )
    report = activity.reports.get()
    assert response.status_code == 302
    value = IndicatorValue.objects.get(report=report, indicator=trained)
    assert value.value == 40
    assert saved_breakdown(value) == {
        ("sex", "women"): 25,
        ("sex", "men"): 15,
        ("sex", "unknown"): 0,
        ("country", "TON"): 30,
        ("country", "FJI"): 10,
    }
    assert value.history.get().history_user == asp_editor


def test_a_value_may_be_left_unbroken_down_or_not_given(client, asp_editor, activity, trained):
    client.force_login(asp_editor)
    client.post(new_url(activity), progress_report_form_data(**{name(trained): "12.5"}))
    value = IndicatorValue.objects.get()
    assert value.value == Decimal("12.5")
    assert not value.breakdown.exists()

    client.post(new_url(activity), progress_report_form_data(quarter=4))  # nothing this quarter
    assert activity.reports.count() == 2
    assert IndicatorValue.objects.count() == 1


def test_a_breakdown_that_does_not_add_up_is_refused_with_the_input_kept(
    client, asp_editor, activity, trained
):
    client.force_login(asp_editor)
    response = client.post(
        new_url(activity),
        progress_report_form_data(
            achievements="Two workshops in Nuku'alofa.",
            **{
                name(trained): "40",
                name(trained, "sex-women"): "20",
                name(trained, "sex-men"): "15",
                name(trained, "country-TON"): "40",
            },
        ),
    )
    assert response.status_code == 200
    message = "The parts by sex add up to 35, not 40: they must equal the value."
    form = response.context["values_form"]
    assert form.errors[f"{trained.pk}-value"] == [message]
    page = response.text
    assert message in page
    assert f'<a href="#id_{name(trained)}">ASP1.3-1 value</a>' in page  # in the summary
    assert f'name="{name(trained, "sex-women")}" value="20"' in page
    assert "Two workshops in Nuku&#x27;alofa." in page
    assert not ProgressReport.objects.exists()
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        (
            {"sex-women": "3", "sex-men": "2"},
            "value",
            "The parts by sex are given without a value: give the value, or leave the parts empty.",
        ),
        ({"value": "-1"}, "value", "A value cannot be negative."),
        ({"value": "forty"}, "value", "Give a number, such as 12 or 12.5."),
        ({"value": "NaN"}, "value", "Give a number, such as 12 or 12.5."),
        (
            {"value": "4", "sex-women": "-1", "sex-men": "5"},
            "sex-women",
            "A part cannot be negative.",
        ),
        ({"value": "4", "country-TON": "two"}, "country-TON", "Give a number, such as 12 or 12.5."),
        ({"value": "1.234"}, "value", "At most two decimals."),
    ],
)
def test_impossible_values_are_refused_next_to_their_field(
    client, asp_editor, activity, trained, posted, field, message
):
    client.force_login(asp_editor)
    data = progress_report_form_data(**{name(trained, part): v for part, v in posted.items()})
    response = client.post(new_url(activity), data)
    assert response.status_code == 200
    assert response.context["values_form"].errors[f"{trained.pk}-{field}"] == [message]
    assert message in response.text
    assert not ProgressReport.objects.exists()
    assert not IndicatorValue.objects.exists()


def test_a_percent_is_at_most_100(client, asp_editor, activity):
    share = Indicator.objects.create(
        expected_result=result("ASP1", 3),
        code="2",
        name="Share of schools connected",
        unit=Indicator.Unit.PERCENT,
    )
    client.force_login(asp_editor)
    assert "(percent, 0 to 100)" in client.get(new_url(activity)).text
    response = client.post(new_url(activity), progress_report_form_data(**{name(share): "101"}))
    assert response.context["values_form"].errors[f"{share.pk}-value"] == [
        "A percent is at most 100."
    ]
    assert not ProgressReport.objects.exists()
    client.post(new_url(activity), progress_report_form_data(**{name(share): "100"}))
    assert IndicatorValue.objects.get().value == 100


@pytest.fixture
def adopted(db):
    return Indicator.objects.create(
        expected_result=result("ASP1", 3),
        code="3",
        name="Digital skills policy adopted",
        unit=Indicator.Unit.YES_NO,
    )


@pytest.fixture
def strategy(db):
    return Indicator.objects.create(
        expected_result=result("ASP1", 3),
        code="4",
        name="National digital skills strategy",
        unit=Indicator.Unit.MILESTONE,
    )


def test_a_yes_no_and_a_milestone_are_chosen_from_a_list(
    client, asp_editor, activity, adopted, strategy
):
    client.force_login(asp_editor)
    page = client.get(new_url(activity)).text
    assert '<option value="" selected>Not reported</option>' in page
    assert '<option value="1">Yes</option>' in page
    assert '<option value="0">No</option>' in page
    assert '<option value="3">Adopted</option>' in page
    assert '<option value="4">Implemented</option>' in page

    response = client.post(
        new_url(activity), progress_report_form_data(**{name(adopted): "0", name(strategy): "3"})
    )
    report = activity.reports.get()
    assert response.status_code == 302
    values = dict(report.indicator_values.values_list("indicator__code", "value"))
    assert values == {"3": 0, "4": 3}

    page = client.get(report.get_absolute_url()).text
    assert "<caption>ASP1.3-3 Digital skills policy adopted</caption>" in page
    assert '<tr><th scope="row">Value</th><td>No</td></tr>' in page
    assert '<tr><th scope="row">Value</th><td>Adopted</td></tr>' in page

    # The edit form shows them chosen.
    page = client.get(edit_url(report)).text
    assert '<option value="0" selected>No</option>' in page
    assert '<option value="3" selected>Adopted</option>' in page


@pytest.mark.parametrize("choice", ["2", "7", "-1", "yes"])
def test_a_choice_not_in_the_list_is_refused(client, asp_editor, activity, adopted, choice):
    client.force_login(asp_editor)
    response = client.post(new_url(activity), progress_report_form_data(**{name(adopted): choice}))
    assert response.context["values_form"].errors[f"{adopted.pk}-value"] == [
        "Choose one of the list."
    ]
    assert not ProgressReport.objects.exists()


# --- Editing ----------------------------------------------------------------------------------


@pytest.fixture
def report(asp_editor, activity, trained):
    """A draft with 40 people trained: 25 women, 15 men, all in Tonga."""
    report = ProgressReportFactory(activity=activity, author=asp_editor)
    value = IndicatorValue.objects.create(report=report, indicator=trained, value=40)
    IndicatorBreakdown.objects.bulk_create(
        IndicatorBreakdown(value=value, dimension=dimension, category=category, amount=amount)
        for dimension, category, amount in [
            ("sex", "women", 25),
            ("sex", "men", 15),
            ("sex", "unknown", 0),
            ("country", "TON", 40),
            ("country", "FJI", 0),
        ]
    )
    return report


def edit_form(client, report):
    response = client.get(edit_url(report))
    return response.context["form"], response.context["values_form"]


def test_the_edit_form_shows_the_saved_values(client, asp_editor, report, trained):
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    assert values_form[f"{trained.pk}-value"].value() == 40
    assert values_form[f"{trained.pk}-sex-women"].value() == 25
    assert values_form[f"{trained.pk}-country-FJI"].value() == 0


def test_a_changed_value_is_saved_with_the_report(client, asp_editor, report, trained):
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    data = {
        **progress_report_form_data(report),
        **as_posted(
            values_form,
            **{
                name(trained): "45",
                name(trained, "sex-men"): "20",
                name(trained, "country-FJI"): "5",
            },
        ),
    }
    assert client.post(edit_url(report), data).status_code == 302
    value = IndicatorValue.objects.get()
    assert value.value == 45
    assert saved_breakdown(value)[("sex", "men")] == 20
    assert value.history.count() == 2  # created, then changed
    report.refresh_from_db()
    assert report.version == 2  # values are part of the report: a save of it


def test_a_changed_breakdown_keeps_its_old_parts_in_its_history(
    client, asp_editor, report, trained
):
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    changed = {
        name(trained): "45",
        name(trained, "sex-men"): "20",
        name(trained, "country-TON"): "45",
    }
    data = {**progress_report_form_data(report), **as_posted(values_form, **changed)}

    assert client.post(edit_url(report), data).status_code == 302

    rows = IndicatorBreakdown.history.filter(dimension="sex", category="men")
    assert [(row.history_type, row.amount) for row in rows.order_by("history_date")] == [
        ("-", 15),
        ("+", 20),
    ]
    assert {row.history_user for row in IndicatorBreakdown.history.all()} == {asp_editor}


def test_emptying_a_value_deletes_it_and_its_breakdown(client, asp_editor, report, trained):
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    emptied = {field.html_name: "" for field in values_form if not field.is_hidden}
    data = {**progress_report_form_data(report), **as_posted(values_form, **emptied)}
    assert client.post(edit_url(report), data).status_code == 302
    assert not IndicatorValue.objects.exists()
    assert not IndicatorBreakdown.objects.exists()
    assert IndicatorValue.history.latest("history_date").history_type == "-"


def test_an_emptied_breakdown_is_no_longer_broken_down(client, asp_editor, report, trained):
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    parts = {name(trained, f"sex-{category}"): "" for category in ["women", "men", "unknown"]}
    data = {**progress_report_form_data(report), **as_posted(values_form, **parts)}
    client.post(edit_url(report), data)
    assert set(saved_breakdown(IndicatorValue.objects.get())) == {
        ("country", "TON"),
        ("country", "FJI"),
    }


def test_an_unchanged_form_saves_nothing(client, asp_editor, report):
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    data = {**progress_report_form_data(report), **as_posted(values_form)}
    response = client.post(edit_url(report), data, follow=True)
    assert "Nothing to save: you changed no field." in response.text
    report.refresh_from_db()
    assert report.version == 1
    assert IndicatorValue.history.count() == 1


def test_a_report_change_alone_leaves_the_values_as_they_are(client, asp_editor, report):
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    data = {
        **progress_report_form_data(report, achievements="Three workshops."),
        **as_posted(values_form),
    }
    assert client.post(edit_url(report), data).status_code == 302
    assert IndicatorValue.history.count() == 1
    assert len(saved_breakdown(IndicatorValue.objects.get())) == 5


def test_a_wrong_breakdown_in_an_edit_changes_nothing(client, asp_editor, report, trained):
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    data = {
        **progress_report_form_data(report, achievements="Changed words."),
        **as_posted(values_form, **{name(trained): "50"}),
    }
    response = client.post(edit_url(report), data)
    assert "The parts by sex add up to 40, not 50: they must equal the value." in response.text
    assert "The parts by country add up to 40, not 50: they must equal the value." in response.text
    report.refresh_from_db()
    assert (report.achievements, report.version) == ("Trained 40 officials of the regulator.", 1)
    assert IndicatorValue.objects.get().value == 40


def test_a_values_edit_made_in_between_is_merged_not_overwritten(
    client, asp_editor, report, trained
):
    """Someone else changed the value after the form was read, and the user the report's
    words: their value stays, the user's words are kept in the form, nothing is saved yet."""
    client.force_login(asp_editor)
    _form, stale_values = edit_form(client, report)
    stale = {
        **progress_report_form_data(report, achievements="Typed in the first tab."),
        **as_posted(stale_values),
    }
    # Meanwhile, the value is changed from another tab.
    _form, values_form = edit_form(client, report)
    changed = as_posted(
        values_form,
        **{
            name(trained): "42",
            name(trained, "sex-unknown"): "2",
            name(trained, "country-FJI"): "2",
        },
    )
    client.post(edit_url(report), {**progress_report_form_data(report), **changed})

    response = client.post(edit_url(report), stale)
    assert "Someone else saved this progress report while you were editing it" in response.text
    assert "Someone else&#x27;s change of this value is in the form." in response.text
    values_form = response.context["values_form"]
    assert values_form[f"{trained.pk}-value"].value() == 42  # theirs: you did not change it
    assert IndicatorValue.objects.get().value == 42

    form = response.context["form"]
    assert form["achievements"].value() == "Typed in the first tab."
    data = {
        **progress_report_form_data(report, achievements="Typed in the first tab."),
        "version": form["version"].value(),
        **as_posted(values_form),
    }
    assert client.post(edit_url(report), data).status_code == 302
    report.refresh_from_db()
    assert (report.achievements, report.version) == ("Typed in the first tab.", 3)
    assert IndicatorValue.objects.get().value == 42


def test_a_value_you_changed_is_kept_when_they_changed_the_report(
    client, asp_editor, report, trained
):
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    stale = {
        **progress_report_form_data(report),
        **as_posted(
            values_form,
            **{
                name(trained): "41",
                name(trained, "sex-unknown"): "1",
                name(trained, "country-FJI"): "1",
            },
        ),
    }
    client.post(
        edit_url(report),
        {**progress_report_form_data(report, percent_complete=70), **as_posted(values_form)},
    )

    response = client.post(edit_url(report), stale)
    assert "Someone else saved this progress report while you were editing it" in response.text
    assert IndicatorValue.objects.get().value == 40  # nothing of yours saved yet
    form, values_form = response.context["form"], response.context["values_form"]
    assert values_form[f"{trained.pk}-value"].value() == Decimal("41")
    assert form["percent_complete"].value() == 70
    data = {
        **progress_report_form_data(report, percent_complete=70),
        "version": form["version"].value(),
        **as_posted(values_form),
    }
    assert client.post(edit_url(report), data).status_code == 302
    report.refresh_from_db()
    assert (report.percent_complete, report.version) == (70, 3)
    assert IndicatorValue.objects.get().value == 41


def test_a_value_both_changed_keeps_yours_in_the_form_and_says_theirs(
    client, asp_editor, report, trained
):
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    mine = {
        **progress_report_form_data(report),
        **as_posted(
            values_form,
            **{
                name(trained): "41",
                name(trained, "sex-unknown"): "1",
                name(trained, "country-FJI"): "1",
            },
        ),
    }
    theirs = {
        **progress_report_form_data(report),
        **as_posted(
            values_form,
            **{
                name(trained): "43",
                name(trained, "sex-unknown"): "3",
                name(trained, "country-FJI"): "3",
            },
        ),
    }
    client.post(edit_url(report), theirs)

    response = client.post(edit_url(report), mine)
    assert "You both changed this value: yours is in the form, and saved now is 43" in (
        response.text
    )
    assert response.context["values_form"][f"{trained.pk}-value"].value() == Decimal("41")
    assert IndicatorValue.objects.get().value == 43


@pytest.mark.parametrize(
    "read", ["", "[[[[", "\x00", '{"value":"sNaN","breakdown":{}}', "[" * 5000]
)
def test_a_forged_value_as_read_never_fails(client, asp_editor, report, trained, read):
    """What the form says it read only guides a merge: garbage makes each difference a
    conflict to settle, never an error."""
    client.force_login(asp_editor)
    _form, values_form = edit_form(client, report)
    client.post(
        edit_url(report),
        {**progress_report_form_data(report, percent_complete=70), **as_posted(values_form)},
    )
    stale = {
        **progress_report_form_data(report),
        **as_posted(values_form, **{name(trained, "read"): read}),
    }
    response = client.post(edit_url(report), stale)
    assert response.status_code == 200
    assert "Someone else saved this progress report" in response.text
    report.refresh_from_db()
    assert report.version == 2


def test_the_write_path_refuses_an_indicator_the_activity_does_not_report_on(
    asp_editor, activity, trained
):
    """Whoever calls it: the report and its values are saved together, or nothing."""
    elsewhere = Indicator.objects.create(
        expected_result=result("ASP3", 4), code="1", name="IXPs established"
    )
    computed = Indicator.objects.computed().filter(expected_result=result("ASP1", 3)).first()
    report = ProgressReport(activity=activity, year=2026, quarter=3, activity_status="ongoing")
    for indicator in [elsewhere, computed]:
        entries = {
            trained: services.IndicatorEntry(Decimal(5), {}),
            indicator: services.IndicatorEntry(Decimal(5), {}),
        }
        with pytest.raises(ValidationError) as refused:
            services.save_report(asp_editor, report, indicator_values=entries)
        assert refused.value.messages == [
            f"{indicator.full_code} is not an indicator that this activity reports on: its "
            "value is not saved."
        ]
    assert not ProgressReport.objects.exists()
    assert not IndicatorValue.objects.exists()


def test_the_write_path_refuses_a_breakdown_that_does_not_add_up(asp_editor, activity, trained):
    report = ProgressReport(activity=activity, year=2026, quarter=3, activity_status="ongoing")
    entry = services.IndicatorEntry(Decimal(10), {"sex": {"women": Decimal(4), "men": Decimal(5)}})
    with pytest.raises(ValidationError) as refused:
        services.save_report(asp_editor, report, indicator_values={trained: entry})
    assert refused.value.messages == [
        "ASP1.3-1: The parts by sex add up to 9, not 10: they must equal the value."
    ]
    assert not ProgressReport.objects.exists()


# --- The report's page ------------------------------------------------------------------------


def test_the_reports_page_shows_its_values_and_their_breakdowns(client, asp_editor, report):
    client.force_login(asp_editor)
    page = client.get(report.get_absolute_url()).text
    assert "<h2>Indicator values</h2>" in page
    assert "<caption>ASP1.3-1 People trained</caption>" in page
    assert '<tr><th scope="row">Value</th><td>40</td></tr>' in page
    assert '<th scope="rowgroup" colspan="2" class="indicator-table-group">By sex</th>' in page
    assert '<tr><th scope="row">Women</th><td>25</td></tr>' in page
    assert '<tr><th scope="row">Tonga</th><td>40</td></tr>' in page
    assert '<tr><th scope="row">Fiji</th><td>0</td></tr>' in page


def test_a_report_without_values_says_so(client, asp_editor, activity):
    report = ProgressReportFactory(activity=activity, author=asp_editor)
    client.force_login(asp_editor)
    assert "No indicator values in this report." in client.get(report.get_absolute_url()).text


# --- Queries ----------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_form_and_the_page_take_as_many_queries_for_many_indicators_as_for_one(
    client, asp_editor, report
):
    client.force_login(asp_editor)
    urls = [edit_url(report), new_url(report.activity) + "?quarter=4", report.get_absolute_url()]
    one = [count_queries(client, url) for url in urls]
    for code in range(2, 8):
        indicator = Indicator.objects.create(
            expected_result=result("ASP1", 3), code=str(code), name=f"Indicator {code}", by_sex=True
        )
        IndicatorValue.objects.create(report=report, indicator=indicator, value=code)
    many = [count_queries(client, url) for url in urls]
    assert many == one

"""The activity form (new and edit) and the progress report form, posted by the Asia-Pacific
editor with generated values (hypothesis): every field either a value a person could mean —
in any script, with emoji, right-to-left text or markup — or garbage (NUL characters, numbers
out of range, wrong types, impossible dates, ids of another region).

Never a 500. Either the form is saved (a redirect) and the database holds exactly what was
sent, whole — or the form comes back (200) with an error and the user's input, and nothing at
all is saved.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django.utils.html import escape
from hypothesis import event, given
from hypothesis import strategies as st

from activities.models import Activity, ProgressReport, TargetGroup
from initiatives.models import Country, ExpectedResult, Region
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    activity_form_data,
    progress_report_form_data,
)
from tests.fuzzing import (
    FUZZ,
    LINE_CHARACTER,
    NASTY,
    TEXT_CHARACTER,
    any_date,
    any_number,
    any_text,
    is_refused,
    one_example,
)
from tests.url_samples import described, status_of
from tests.url_samples import request as send

UNKNOWN = object()  # what a garbage value is stored as, if the form takes it: not checked


@dataclass(frozen=True)
class Value:
    """A field's value as posted, and as the database must then hold it (`UNKNOWN` when the
    value is garbage: the form may refuse it, or read it its own way)."""

    sent: object
    stored: object = UNKNOWN


def text_value(max_length=None, required=False, one_line=False):
    """Text a person may mean, saved stripped of surrounding white space: any script, but no
    character the text validator refuses (see tests/fuzzing.py; garbage has them)."""
    longest = max_length or 3000
    character = LINE_CHARACTER if one_line else TEXT_CHARACTER
    text = st.one_of(
        st.text(character, max_size=min(80, longest)),
        st.sampled_from([n for n in NASTY if not is_refused(n, one_line)]),
        st.builds(
            lambda piece, times: piece * times,
            st.text(character, min_size=1, max_size=3),
            st.integers(1, longest // 3),
        ),
    )
    if max_length:
        text = text.map(lambda s: s[:max_length])
    if required:
        text = text.map(lambda s: s if s.strip() else f"{s[: (max_length or 3000) - 1]}x")
    return text.map(lambda s: Value(s, s.strip()))


def choice_value(values):
    return st.sampled_from(list(values)).map(lambda v: Value(v, v))


def pk_value(rows):
    return st.sampled_from(list(rows)).map(lambda row: Value(str(row.pk), row))


def pks_value(rows, min_size):
    return st.lists(st.sampled_from(list(rows)), min_size=min_size, max_size=4, unique=True).map(
        lambda chosen: Value([str(row.pk) for row in chosen], {row.pk for row in chosen})
    )


def number_value(low, high):
    return st.integers(low, high).map(lambda n: Value(str(n), n))


def date_value(optional=False):
    dates = st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))
    value = dates.map(lambda day: Value(day.isoformat(), day))
    return st.one_of(st.just(Value("", None)), value) if optional else value


def garbage(strategy):
    return strategy.map(Value)


def garbage_list(strategy):
    return st.lists(strategy, max_size=4).map(Value)


def posted(values):
    return {name: value.sent for name, value in values.items()}


def draw_form(data, fields):
    """A form's values: a few fields (sometimes none) garbage, the others values people mean.
    Returns the values and the names of the garbage ones."""
    broken = data.draw(st.sets(st.sampled_from(sorted(fields)), max_size=3), label="garbage")
    values = {
        name: data.draw(strategies[1] if name in broken else strategies[0], label=name)
        for name, strategies in fields.items()
    }
    return values, broken


ONE_LINE_TEXTS = {"title", "reference"}


def check_refused(response, values, text_fields):
    """The form came back with an error, and with what the user typed in it, escaped; a text
    with a character the text validator refuses has its error at its field."""
    assert response.status_code == 200, described(response)
    form = response.context["form"]
    assert form.errors, "a 200 without an error: the user cannot tell why nothing was saved"
    page = response.content.decode()
    for name in text_fields:
        sent = values[name].sent
        if isinstance(sent, str):
            assert escape(sent) in page, f"{name}: the user's input is lost"
        if isinstance(sent, str) and "\x00" in sent:
            assert name in form.errors, f"{name}: a NUL character must be refused"
        if isinstance(sent, str) and is_refused(sent, one_line=name in ONE_LINE_TEXTS):
            assert name in form.errors, f"{name}: {sent!r} must be refused"


# --- Activities ------------------------------------------------------------------------------


ACTIVITY_TEXTS = ["title", "reference", "description", "partners"]


def activity_fields(user):
    """For each field of the activity form: (values people mean, garbage)."""
    asp = Region.objects.get(code="ASP")
    afr = Region.objects.get(code="AFR")
    own_countries = Country.objects.filter(region=asp)
    own_results = ExpectedResult.objects.filter(initiative__region=asp)
    # Ids of rows the form must refuse: another region's countries, rows that do not exist.
    foreign = [str(country.pk) for country in Country.objects.filter(region=afr)[:3]]
    ids = st.one_of(any_number(), st.sampled_from(foreign))
    return {
        "title": (text_value(300, required=True, one_line=True), garbage(any_text(400))),
        "reference": (text_value(50, one_line=True), garbage(any_text(60))),
        "description": (text_value(), garbage(any_text(3000))),
        "status": (choice_value(Activity.Status.values), garbage(any_text(20))),
        "modality": (choice_value(Activity.Modality.values), garbage(any_text(20))),
        "region": (st.just(Value(str(asp.pk), asp)), garbage(st.one_of(ids, st.just(afr.pk)))),
        "countries": (pks_value(own_countries, 1), garbage_list(ids)),
        "expected_results": (pks_value(own_results, 1), garbage_list(ids)),
        "start_date": (date_value(), garbage(any_date())),
        "end_date": (date_value(optional=True), garbage(any_date())),
        "partners": (text_value(), garbage(any_text(3000))),
        "target_groups": (pks_value(TargetGroup.objects.all(), 0), garbage_list(any_number())),
        "focal_point": (
            st.sampled_from([Value("", None), Value(str(user.pk), user)]),
            garbage(any_number()),
        ),
        "planned_participants_women": (number_value(0, 2**31 - 1), garbage(any_number())),
        "planned_participants_men": (number_value(0, 2**31 - 1), garbage(any_number())),
    }


def stored_activity(activity):
    """An activity's values as the form's `Value.stored` states them."""
    return {
        "title": activity.title,
        "reference": activity.reference,
        "description": activity.description,
        "status": activity.status,
        "modality": activity.modality,
        "region": activity.region,
        "countries": set(activity.countries.values_list("pk", flat=True)),
        "expected_results": set(activity.expected_results.values_list("pk", flat=True)),
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "partners": activity.partners,
        "target_groups": set(activity.target_groups.values_list("pk", flat=True)),
        "focal_point": activity.focal_point,
        "planned_participants_women": activity.planned_participants_women,
        "planned_participants_men": activity.planned_participants_men,
    }


def check_saved(stored, values):
    """Every value people mean is stored exactly; garbage the form took is not checked."""
    for name, value in values.items():
        if value.stored is not UNKNOWN:
            assert stored[name] == value.stored, f"{name}: sent {value.sent!r}"


def completed_without_end_date(values):
    """Whether the values people mean are an activity the form must still refuse: a completed
    one with no end date."""
    status, end = values["status"].stored, values["end_date"].stored
    return status == Activity.Status.COMPLETED and end is None


def in_order(values):
    """The values, with an end date people mean never before the start date they mean."""
    start, end = values["start_date"].stored, values["end_date"].stored
    if UNKNOWN not in (start, end) and end is not None and end < start:
        values["start_date"], values["end_date"] = values["end_date"], values["start_date"]
    return values


@pytest.fixture
def fields(asp_editor):
    return activity_fields(asp_editor)


@FUZZ
@given(data=st.data())
def test_a_new_activity_is_saved_whole_or_refused_with_its_input(asp_editor, fields, data):
    values, broken = draw_form(data, fields)
    values = in_order(values)
    with one_example(asp_editor) as client:
        before = set(Activity.objects.values_list("pk", flat=True))
        outcome = send(client, "post", "/activities/new/", posted(values))
        assert status_of(outcome) in (200, 302), described(outcome)
        event("saved" if status_of(outcome) == 302 else "refused")
        new = Activity.objects.exclude(pk__in=before)
        if status_of(outcome) == 302:
            activity = new.get()
            assert outcome["Location"] == activity.get_absolute_url()
            check_saved(stored_activity(activity), values)
            assert activity.history.count() == 1
        else:
            assert not new.exists()
            check_refused(outcome, values, ACTIVITY_TEXTS)
            assert broken or completed_without_end_date(values), outcome.context["form"].errors


@pytest.fixture
def activity(asp_editor):
    return ActivityFactory(
        title="IXP study", reference="ITU-ASP-001", countries=["TON", "FJI"], created_by=asp_editor
    )


@FUZZ
@given(data=st.data())
def test_an_edit_is_saved_whole_or_refused_with_nothing_changed(asp_editor, fields, activity, data):
    values, broken = draw_form(data, fields)
    values = in_order(values)
    version = data.draw(
        st.one_of(st.just(Value(str(activity.version))), garbage(any_number())), label="version"
    )
    with one_example(asp_editor) as client:
        before, history_before = stored_activity(activity), activity.history.count()
        path = f"/activities/{activity.pk}/edit/"
        outcome = send(client, "post", path, {**posted(values), "version": version.sent})
        assert status_of(outcome) in (200, 302), described(outcome)
        event("saved" if status_of(outcome) == 302 else "refused")
        saved = Activity.objects.get(pk=activity.pk)
        saves = saved.history.count() - history_before
        if status_of(outcome) == 302:
            assert saves in (0, 1)  # "Nothing to save" when nothing changed
            assert saved.version == activity.version + saves
            check_saved(stored_activity(saved), values)
        else:
            assert (stored_activity(saved), saved.version, saves) == (before, activity.version, 0)
            if version.sent == str(activity.version):  # else an edit conflict, without errors
                check_refused(outcome, values, ACTIVITY_TEXTS)
                assert broken or completed_without_end_date(values), outcome.context["form"].errors


# --- Progress reports ------------------------------------------------------------------------

REPORT_TEXTS = ["achievements", "challenges", "next_steps", "evidence_links"]


def evidence_value():
    links = st.lists(
        st.sampled_from(
            ["https://www.itu.int/en/ITU-D/", "http://example.org/report.pdf", "https://例え.jp/"]
        ),
        max_size=3,
    )
    return links.map(lambda lines: Value("\r\n".join(lines), "\n".join(lines)))


def whole_number(choices):
    return st.sampled_from(choices).map(lambda n: Value(str(n), n))


def report_fields(years):
    """For each field of the progress report form: (values people mean, garbage)."""
    return {
        "year": (whole_number(list(years)), garbage(any_number())),
        "quarter": (whole_number([1, 2, 3, 4]), garbage(any_number())),
        "activity_status": (choice_value(Activity.Status.values), garbage(any_text(20))),
        "percent_complete": (number_value(0, 100), garbage(any_number())),
        "achievements": (text_value(), garbage(any_text(3000))),
        "challenges": (text_value(), garbage(any_text(3000))),
        "next_steps": (text_value(), garbage(any_text(3000))),
        "evidence_links": (evidence_value(), garbage(any_text(200))),
        "people_reached_women": (number_value(0, 2**31 - 1), garbage(any_number())),
        "people_reached_men": (number_value(0, 2**31 - 1), garbage(any_number())),
    }


REPORT_FIELDS = list(report_fields([2026]))
PLAN_YEARS = range(2026, 2030)  # the Baku Action Plan's, which the form offers


def impossible_period(activity, values):
    """Whether the year and quarter people mean are a period the form must still refuse: not
    begun yet, or outside the activity's dates (the rule tests/activities/test_impossible_input
    checks case by case)."""
    year, quarter = values["year"].stored, values["quarter"].stored
    if UNKNOWN in (year, quarter):
        return False
    report = ProgressReport(activity=activity, year=year, quarter=quarter)
    return bool(report.period_refusal(timezone.localdate()))


def stored_report(report):
    return {name: getattr(report, name) for name in REPORT_FIELDS}


@pytest.fixture
def reported_activity(asp_editor):
    """An activity with a report for 2026 Q1 already: that period is taken."""
    activity = ActivityFactory(title="Spectrum training")
    ProgressReportFactory(activity=activity, author=asp_editor, quarter=1)
    return activity


@FUZZ
@given(data=st.data())
def test_a_new_report_is_saved_whole_or_refused_with_its_input(asp_editor, reported_activity, data):
    fields = report_fields(PLAN_YEARS)
    values, broken = draw_form(data, fields)
    action = data.draw(
        st.sampled_from([None, "save", "submit", "\x00", "<script>"]), label="action"
    )
    form_data = posted(values) | ({"action": action} if action is not None else {})
    with one_example(asp_editor) as client:
        path = f"/activities/{reported_activity.pk}/reports/new/"
        outcome = send(client, "post", path, form_data)
        assert status_of(outcome) in (200, 302), described(outcome)
        event("saved" if status_of(outcome) == 302 else "refused")
        new = reported_activity.reports.exclude(year=2026, quarter=1)
        if status_of(outcome) == 302:
            report = new.get()
            assert not impossible_period(reported_activity, values)
            check_saved(stored_report(report), values)
            expected_state = "submitted" if action == "submit" else "draft"
            assert (report.state, report.author) == (expected_state, asp_editor)
        else:
            assert not new.exists()
            check_refused(outcome, values, REPORT_TEXTS)
            period_taken = (values["year"].stored, values["quarter"].stored) == (2026, 1)
            impossible = impossible_period(reported_activity, values)
            assert broken or period_taken or impossible, outcome.context["form"].errors


@FUZZ
@given(data=st.data())
def test_a_report_edit_is_saved_whole_or_refused_with_nothing_changed(
    asp_editor, reported_activity, data
):
    report = reported_activity.reports.get()
    fields = report_fields(PLAN_YEARS)
    values, broken = draw_form(data, fields)
    with one_example(asp_editor) as client:
        before = stored_report(report)
        path = f"/activities/{reported_activity.pk}/reports/{report.pk}/edit/"
        outcome = send(client, "post", path, {**posted(values), "version": report.version})
        assert status_of(outcome) in (200, 302), described(outcome)
        event("saved" if status_of(outcome) == 302 else "refused")
        saved = ProgressReport.objects.get(pk=report.pk)
        if status_of(outcome) == 302:
            assert not impossible_period(reported_activity, values)
            check_saved(stored_report(saved), values)
        else:
            assert stored_report(saved) == before
            check_refused(outcome, values, REPORT_TEXTS)
            impossible = impossible_period(reported_activity, values)
            assert broken or impossible, outcome.context["form"].errors


# --- The same properties, on the values that matter most, every run -------------------------


@pytest.mark.parametrize("name", ACTIVITY_TEXTS)
def test_a_nul_character_in_an_activity_text_is_a_form_error(client, asp_editor, name):
    """PostgreSQL cannot store a NUL character: the form refuses it (never a 500)."""
    client.force_login(asp_editor)
    data = activity_form_data(**{name: "A\x00B"})
    response = client.post("/activities/new/", data)
    assert response.status_code == 200
    assert name in response.context["form"].errors
    assert not Activity.objects.exists()


@pytest.mark.parametrize("name", REPORT_TEXTS)
def test_a_nul_character_in_a_report_text_is_a_form_error(client, asp_editor, name):
    client.force_login(asp_editor)
    activity = ActivityFactory()
    data = progress_report_form_data(**{name: "https://itu.int/\x00"})
    response = client.post(f"/activities/{activity.pk}/reports/new/", data)
    assert response.status_code == 200
    assert name in response.context["form"].errors
    assert not activity.reports.exists()


def test_text_in_any_script_is_saved_as_typed(client, asp_editor):
    """Right-to-left and left-to-right marks too (overrides are refused: see
    tests/test_text_validator.py)."""
    client.force_login(asp_editor)
    title = "تدريب 频谱 הכשרה 📡 \u200fمشروع\u200e <b>bold</b>"
    response = client.post("/activities/new/", activity_form_data(title=f"  {title}\r\n"))
    assert response.status_code == 302
    assert Activity.objects.get().title == title

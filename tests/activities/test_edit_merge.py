"""An edit conflict merges: fields only they changed keep their value, fields only you changed
take yours, links merge one by one, and a field you both changed waits for your choice. Saving
the form as it comes back loses nobody's work."""

import pytest

from activities.models import Activity, ProgressReport
from initiatives.models import Country
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    UserFactory,
    activity_form_data,
    progress_report_form_data,
)


def edit_url(activity):
    return f"/activities/{activity.pk}/edit/"


def report_edit_url(report):
    return f"/activities/{report.activity_id}/reports/{report.pk}/edit/"


def as_posted(form, **choices):
    """What the browser posts when the user saves `form` as it is shown, with `choices`
    ticked (e.g. keep_title="theirs")."""
    data = {}
    for field in form:
        value = field.value()
        if value is None:
            continue
        data[field.html_name] = [str(v) for v in value] if isinstance(value, list) else value
    data.update(choices)
    return data


@pytest.fixture
def colleague(db):
    return UserFactory(username="colleague", first_name="Mele", role="Editor", regions=["ASP"])


@pytest.fixture
def activity(asp_editor):
    return ActivityFactory(
        title="National broadband plan",
        description="",
        countries=["TON"],
        expected_results=["ASP3.4"],
        partners="APNIC",
        status=Activity.Status.PLANNED,
        created_by=asp_editor,
    )


def test_a_field_only_they_changed_keeps_their_value(client, asp_editor, colleague, activity):
    """The issue's scenario: A changes the description; B, from the same version, changes the
    title and the partners. B's save merges: nothing of A's is undone."""
    stale = activity_form_data(activity, title="Broadband plan 2027", partners="APNIC, ISOC")
    client.force_login(colleague)
    client.post(edit_url(activity), activity_form_data(activity, description="By A."))

    client.force_login(asp_editor)
    response = client.post(edit_url(activity), stale)

    assert response.status_code == 200
    page = response.text
    assert "Someone else saved this activity while you were editing it" in page
    assert "Their changes are in the form below, beside yours: Description." in page
    assert "Check the form and save again." in page
    form = response.context["form"]
    assert form["description"].value() == "By A."
    assert form["title"].value() == "Broadband plan 2027"
    assert form["partners"].value() == "APNIC, ISOC"
    assert form["version"].value() == 2
    activity.refresh_from_db()
    assert (activity.title, activity.description, activity.version) == (
        "National broadband plan",
        "By A.",
        2,
    )

    response = client.post(edit_url(activity), as_posted(form))

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.description, activity.partners) == (
        "Broadband plan 2027",
        "By A.",
        "APNIC, ISOC",
    )
    assert activity.version == 3


def test_links_merge_one_by_one(client, asp_editor, colleague, activity):
    stale = activity_form_data(activity, countries=["TON", "WSM"])  # B adds Samoa
    client.force_login(colleague)
    client.post(edit_url(activity), activity_form_data(activity, countries=["TON", "FJI"]))

    client.force_login(asp_editor)
    form = client.post(edit_url(activity), stale).context["form"]
    client.post(edit_url(activity), as_posted(form))

    assert set(activity.countries.values_list("iso3", flat=True)) == {"TON", "FJI", "WSM"}


def test_a_link_removed_on_one_side_is_removed(client, asp_editor, colleague, activity):
    activity.countries.add(Country.objects.get(iso3="FJI"))
    activity.refresh_from_db()
    stale = activity_form_data(activity, countries=["FJI"])  # B drops Tonga
    client.force_login(colleague)
    client.post(edit_url(activity), activity_form_data(activity, title="Renamed by A"))

    client.force_login(asp_editor)
    form = client.post(edit_url(activity), stale).context["form"]
    client.post(edit_url(activity), as_posted(form))

    activity.refresh_from_db()
    assert list(activity.countries.values_list("iso3", flat=True)) == ["FJI"]
    assert activity.title == "Renamed by A"


@pytest.mark.parametrize(("keep", "title"), [("theirs", "A's title"), ("yours", "B's title")])
def test_a_field_both_changed_waits_for_a_choice(
    client, asp_editor, colleague, activity, keep, title
):
    stale = activity_form_data(activity, title="B's title", description="By B.")
    client.force_login(colleague)
    client.post(edit_url(activity), activity_form_data(activity, title="A's title"))

    client.force_login(asp_editor)
    response = client.post(edit_url(activity), stale)
    page = response.text
    assert "You both changed one field: choose below which value to keep" in page
    assert "theirs, as saved now: <q>A&#x27;s title</q>" in page
    form = response.context["form"]
    assert form["title"].value() == "B's title"  # yours, in the form, until you choose

    # Saving without choosing is refused, the choice asked for, nothing saved.
    response = client.post(edit_url(activity), as_posted(form))
    assert response.status_code == 200
    assert "Choose which title to keep: theirs or yours." in response.text
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("A's title", 2)

    response = client.post(edit_url(activity), as_posted(form, keep_title=keep))

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.description, activity.version) == (title, "By B.", 3)


def test_a_third_save_in_between_merges_again(client, asp_editor, colleague, activity):
    stale = activity_form_data(activity, title="B's title")
    client.force_login(colleague)
    client.post(edit_url(activity), activity_form_data(activity, description="By A."))
    client.force_login(asp_editor)
    form = client.post(edit_url(activity), stale).context["form"]
    # A saves once more before B saves the merge.
    client.force_login(colleague)
    activity.refresh_from_db()
    client.post(edit_url(activity), activity_form_data(activity, partners="APT"))

    client.force_login(asp_editor)
    form = client.post(edit_url(activity), as_posted(form)).context["form"]
    assert client.post(edit_url(activity), as_posted(form)).status_code == 302

    activity.refresh_from_db()
    assert (activity.title, activity.description, activity.partners) == (
        "B's title",
        "By A.",
        "APT",
    )


def test_a_version_with_no_history_makes_every_difference_a_choice(
    client, asp_editor, colleague, activity
):
    stale = activity_form_data(activity, title="B's title")
    client.force_login(colleague)
    client.post(edit_url(activity), activity_form_data(activity, description="By A."))
    activity.history.filter(version=1).delete()

    client.force_login(asp_editor)
    form = client.post(edit_url(activity), stale).context["form"]

    assert form.conflict_names == ["title", "description"]


def test_a_forged_conflict_list_changes_nothing(client, asp_editor, activity):
    """`conflict` names only fields of the form; a new activity has none."""
    client.force_login(asp_editor)
    data = activity_form_data(title="New one", conflict=["countries", "version", "nonsense"])
    assert client.post("/activities/new/", data).status_code == 302
    data = activity_form_data(activity, title="Renamed", conflict=["nonsense", "version"])
    assert client.post(edit_url(activity), data).status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Renamed"


# --- Progress reports ------------------------------------------------------------------------


@pytest.fixture
def draft(asp_editor):
    return ProgressReportFactory(author=asp_editor, achievements="First words.")


def test_a_report_merges_the_same_way(client, asp_editor, draft):
    client.force_login(asp_editor)
    stale = progress_report_form_data(draft, achievements="Typed in the first tab.")
    client.post(report_edit_url(draft), progress_report_form_data(draft, percent_complete=70))

    response = client.post(report_edit_url(draft), stale)

    assert "Someone else saved this progress report while you were editing it" in response.text
    assert "Percent complete: 70" in response.text
    form = response.context["form"]
    assert form["percent_complete"].value() == 70
    assert form["achievements"].value() == "Typed in the first tab."
    assert client.post(report_edit_url(draft), as_posted(form)).status_code == 302
    draft.refresh_from_db()
    assert (draft.achievements, draft.percent_complete, draft.version) == (
        "Typed in the first tab.",
        70,
        3,
    )


def test_a_report_field_both_changed_waits_for_a_choice(client, asp_editor, draft):
    client.force_login(asp_editor)
    stale = progress_report_form_data(draft, percent_complete=60)
    client.post(report_edit_url(draft), progress_report_form_data(draft, percent_complete=70))

    form = client.post(report_edit_url(draft), stale).context["form"]
    assert form.conflict_names == ["percent_complete"]
    response = client.post(report_edit_url(draft), as_posted(form, keep_percent_complete="theirs"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.percent_complete, draft.state) == (70, ProgressReport.State.DRAFT)

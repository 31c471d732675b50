"""The Django admin: every registered model's pages open, history is visible and revertable,
lists cost a fixed number of queries, reference data in use cannot be deleted, a Viewer reads
but does not write, and an administrator assigns a user's regions on the user's page."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.forms import MultiWidget
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from activities.models import (
    Activity,
    ApiToken,
    BudgetLine,
    Expenditure,
    NotificationPreference,
    ProgressReport,
    RegionAssignment,
)
from initiatives.models import (
    ActionPlan,
    Country,
    ExchangeRate,
    ExpectedResult,
    Indicator,
    Initiative,
    Region,
    Target,
)
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    NotificationPreferenceFactory,
    ProgressReportFactory,
    UserFactory,
    expected_result,
)

pytestmark = pytest.mark.django_db

# Derived from the registry, so that a model registered tomorrow is covered without a new test.
# django-axes' login records are its own read-only pages (no add page), covered with the unlock
# in tests/test_login_throttling.py.
REGISTERED_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label != "axes"),
    key=lambda model: model._meta.label,
)
HISTORY_MODELS = [
    model
    for model in REGISTERED_MODELS
    if isinstance(admin.site._registry[model], SimpleHistoryAdmin)
]


def label(model):
    return model._meta.label_lower


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(form):
    """What a browser would post back for `form` as it was rendered (its current values)."""
    data = {}
    for field in form:
        value = field.value()
        widget = field.field.widget
        if isinstance(widget, MultiWidget):  # e.g. a date and a time for a DateTimeField
            for index, part in enumerate(widget.decompress(value)):
                data[f"{field.html_name}_{index}"] = "" if part is None else part
        elif value is None:
            continue  # an empty field posts nothing, a multiple choice in particular
        elif isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = value
    return data


def page_data(response):
    """The POST data of an admin add/change page as rendered: the form and all its inlines."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_data(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_data(form))
    return data


@pytest.fixture
def rows(db):
    """A realistic state for the work-data pages: an activity with a budget line and a report
    with its expenditure, a user with regions, a rate of exchange.

    Reference data comes from the session's fixtures.
    """
    editor = UserFactory(role="Editor", regions=["ASP"])
    report = ProgressReportFactory(
        activity=ActivityFactory(countries=["TON", "FJI"], expected_results=["ASP1.3", "ASP3.4"]),
        author=editor,
    )
    BudgetLineFactory(activity=report.activity)
    ExpenditureFactory(report=report)
    people_trained = Indicator.objects.create(
        expected_result=report.activity.expected_results.first(), code="1", name="People trained"
    )
    return {
        Target: Target.objects.create(indicator=people_trained, year=2026, value=40),
        Activity: report.activity,
        ProgressReport: report,
        RegionAssignment: editor.region_assignments.get(),
        NotificationPreference: NotificationPreferenceFactory(user=editor),
        User: editor,
        ExchangeRate: ExchangeRateFactory(),
        ApiToken: ApiToken.objects.issue(editor, "Admin test")[0],
    }


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=label)
def test_it_opens_the_changelist_add_and_change_pages(admin_client, rows, model):
    obj = rows.get(model) or model._default_manager.first()
    assert obj is not None, f"no {label(model)} to open"

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    # Tokens are made by their owner, on their page "API tokens", never in the admin.
    add_status = 403 if model is ApiToken else 200
    assert admin_client.get(admin_url(model, "add")).status_code == add_status
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["original"] == obj


def test_the_activity_page_shows_its_countries_results_budget_lines_and_reports(admin_client, rows):
    activity = rows[Activity]

    response = admin_client.get(admin_url(Activity, "change", activity.pk))

    inlines = {
        inline.formset.model: inline.formset for inline in response.context["inline_admin_formsets"]
    }
    assert {form.instance.country.iso3 for form in inlines[Activity.countries.through].forms} == {
        "TON",
        "FJI",
    }
    assert {
        form.instance.expected_result.code
        for form in inlines[Activity.expected_results.through].forms
    } == {"ASP1.3", "ASP3.4"}
    assert [form.instance for form in inlines[BudgetLine].forms] == list(
        activity.budget_lines.all()
    )
    assert [form.instance for form in inlines[ProgressReport].forms] == [rows[ProgressReport]]
    # The report is edited on its own page, reached from the summary row, with its expenditure.
    assert admin_url(ProgressReport, "change", rows[ProgressReport].pk) in response.text
    response = admin_client.get(admin_url(ProgressReport, "change", rows[ProgressReport].pk))
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.formset.model is Expenditure
    assert [form.instance for form in inline.formset.forms] == list(
        rows[ProgressReport].expenditures.all()
    )


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=label)
def test_it_shows_the_history_and_the_revert_page(admin_client, rows, model):
    obj = rows.get(model) or model._default_manager.first()
    obj.save()  # reference data loaded by loaddata has no history yet
    record = obj.history.latest()

    response = admin_client.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200
    assert record in response.context["page_obj"].object_list
    response = admin_client.get(admin_url(model, "simple_history", obj.pk, record.history_id))
    assert response.status_code == 200
    assert response.context["revert_disabled"] is False


def test_reverting_an_activity_brings_its_old_title_back(admin_client, rows):
    activity = rows[Activity]
    old_title = activity.title
    before = activity.history.latest()  # the version with its countries and expected results
    activity.title = "A title nobody wanted"
    activity.version = 5  # edited a few times since
    activity.save()

    revert_url = admin_url(Activity, "simple_history", activity.pk, before.history_id)
    response = admin_client.post(
        revert_url, form_data(admin_client.get(revert_url).context["adminform"].form)
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == old_title
    assert activity.version == 6  # newer than the row it replaced, not the old version again


def test_adding_an_activity_records_who_and_its_countries_and_results(admin_client, superuser):
    data = page_data(admin_client.get(admin_url(Activity, "add")))
    data.update(
        title="Spectrum management training for Pacific regulators",
        region=Region.objects.get(code="ASP").pk,
        status=Activity.Status.PLANNED,
        modality=Activity.Modality.CAPACITY_BUILDING,
        start_date="2026-03-01",
        planned_participants_women=0,
        planned_participants_men=0,
    )
    data["activitycountry_set-0-country"] = Country.objects.get(iso3="TON").pk
    data["activityexpectedresult_set-0-expected_result"] = expected_result("ASP3.4").pk

    response = admin_client.post(admin_url(Activity, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    activity = Activity.objects.get(title="Spectrum management training for Pacific regulators")
    assert activity.created_by == superuser
    assert activity.updated_by == superuser
    assert [c.iso3 for c in activity.countries.all()] == ["TON"]
    assert [r.code for r in activity.expected_results.all()] == ["ASP3.4"]
    # The history's latest row knows the countries and results saved by the inlines.
    latest = activity.history.latest()
    assert latest.history_user == superuser
    assert [row.country.iso3 for row in latest.countries.model.objects.filter(history=latest)] == [
        "TON"
    ]


def test_changing_an_activity_records_who_and_moves_its_version_on(admin_client, superuser, rows):
    activity = rows[Activity]
    data = page_data(admin_client.get(admin_url(Activity, "change", activity.pk)))
    data["status"] = Activity.Status.COMPLETED

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == Activity.Status.COMPLETED
    assert activity.updated_by == superuser
    assert activity.version == 2


def test_an_expected_result_of_another_region_is_refused(admin_client, rows):
    activity = rows[Activity]
    afr1 = Initiative.objects.create(
        action_plan=ActionPlan.objects.get(code="WTDC-25"),
        region=Region.objects.get(code="AFR"),
        code="AFR1",
        title="An initiative of Africa",
        objective="…",
    )
    afr_result = ExpectedResult.objects.create(initiative=afr1, number=1, text="Something")
    data = page_data(admin_client.get(admin_url(Activity, "change", activity.pk)))
    data["activityexpectedresult_set-1-expected_result"] = afr_result.pk

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 200
    assert "AFR1.1 is an expected result of another region." in response.text
    assert afr_result not in activity.expected_results.all()


def test_the_activity_list_searches_and_filters(admin_client):
    ldc = Country.objects.in_region("ASP").in_group("LDC").first()
    wanted = ActivityFactory(
        title="Broadband mapping", countries=[ldc.iso3], expected_results=["ASP3.4"]
    )
    ActivityFactory(title="Broadband mapping", countries=["AUS"], expected_results=["ASP3.4"])
    ActivityFactory(
        title="Broadband mapping", countries=[ldc.iso3, "TON"], expected_results=["ASP1.3"]
    )
    ActivityFactory(title="Cybersecurity drill", countries=[ldc.iso3], expected_results=["ASP3.4"])
    ActivityFactory(
        title="Broadband mapping",
        countries=[ldc.iso3],
        expected_results=["ASP3.4"],
        status=Activity.Status.CANCELLED,
    )
    asp3 = Initiative.objects.get(action_plan__code="WTDC-25", code="ASP3")

    response = admin_client.get(
        admin_url(Activity, "changelist"),
        {
            "q": "broadband",
            "status__exact": "ongoing",
            "region__id__exact": Region.objects.get(code="ASP").pk,
            "country_group": "LDC",
            "expected_results__initiative__id__exact": asp3.pk,
            "expected_results__initiative__action_plan__id__exact": asp3.action_plan_id,
        },
    )

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [wanted]


def test_an_expected_result_is_found_by_its_code(admin_client):
    response = admin_client.get(admin_url(ExpectedResult, "changelist"), {"q": "ASP3.4"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [expected_result("ASP3.4")]


def test_the_activity_page_picks_an_expected_result_by_its_code(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "ASP3.4",
            "app_label": "activities",
            "model_name": "activityexpectedresult",
            "field_name": "expected_result",
        },
    )

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [
        str(expected_result("ASP3.4").pk)
    ]


def make_activities(count):
    for _ in range(count):
        ProgressReportFactory(
            activity=ActivityFactory(
                countries=["TON", "FJI", "KIR"], expected_results=["ASP1.3", "ASP3.4"]
            ),
            author=UserFactory(regions=["ASP", "AFR"], role="Editor"),
        )


@pytest.mark.parametrize("count", [5, 30])
@pytest.mark.parametrize(
    ("model", "max_queries"),
    [
        pytest.param(Activity, 14, id="activity"),  # 13 and the country groups filter
        pytest.param(ProgressReport, 6, id="progressreport"),
        pytest.param(User, 9, id="user"),
    ],
)
def test_a_changelist_costs_the_same_queries_for_5_or_30_rows(
    admin_client, django_assert_max_num_queries, model, max_queries, count
):
    make_activities(count)

    with django_assert_max_num_queries(max_queries):
        response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= count


def test_the_country_list_shows_groups_today_without_a_query_per_country(
    admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):  # 7, and the group filter's choices
        response = admin_client.get(admin_url(Country, "changelist"))

    assert len(response.context["cl"].result_list) == 100  # a full page
    assert (
        '<td class="field-groups_today">LDC, LLDC</td>'
        in admin_client.get(admin_url(Country, "changelist"), {"q": "AFG"}).text
    )


def test_the_initiative_list_counts_expected_results_without_a_query_per_row(
    admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        response = admin_client.get(admin_url(Initiative, "changelist"))

    counts = {i.code: i.expected_result_count for i in response.context["cl"].result_list}
    assert counts == {
        initiative.code: initiative.expected_results.count()
        for initiative in Initiative.objects.all()
    }
    assert all(counts.values())


def test_the_user_list_shows_roles_and_regions(admin_client):
    UserFactory(username="asp.afr.editor", role="Editor", regions=["ASP", "AFR"])

    response = admin_client.get(admin_url(User, "changelist"), {"q": "asp.afr.editor"})

    assert '<td class="field-roles">Editor</td>' in response.text
    assert '<td class="field-regions">AFR, ASP</td>' in response.text


def test_an_administrator_assigns_regions_on_the_user_page(admin_client):
    user = UserFactory(role="Editor", regions=["ASP"])
    data = page_data(admin_client.get(admin_url(User, "change", user.pk)))
    data["region_assignments-TOTAL_FORMS"] = 2
    data["region_assignments-1-region"] = Region.objects.get(code="AFR").pk

    response = admin_client.post(admin_url(User, "change", user.pk), data)

    assert response.status_code == 302
    assert set(user.region_assignments.values_list("region__code", flat=True)) == {"ASP", "AFR"}


def test_a_country_in_use_cannot_be_deleted(admin_client, rows):
    tonga = Country.objects.get(iso3="TON")
    url = admin_url(Country, "delete", tonga.pk)

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert response.context["title"] == "Cannot delete country"
    assert "would require deleting the following protected related objects" in response.text
    assert Country.objects.filter(iso3="TON").exists()


def test_a_country_not_in_use_can_be_deleted(admin_client):
    nauru = Country.objects.get(iso3="NRU")

    response = admin_client.post(admin_url(Country, "delete", nauru.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Country.objects.filter(iso3="NRU").exists()


@pytest.fixture
def staff_viewer(viewer):
    viewer.is_staff = True
    viewer.save()
    return viewer


def test_a_viewer_sees_the_admin_but_changes_nothing(client, superuser, staff_viewer, rows):
    activity = rows[Activity]
    client.force_login(superuser)
    data = page_data(client.get(admin_url(Activity, "change", activity.pk)))
    data["title"] = "Changed by a viewer"
    client.force_login(staff_viewer)

    assert client.get(admin_url(Activity, "changelist")).status_code == 200
    response = client.get(admin_url(Activity, "change", activity.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert client.post(admin_url(Activity, "change", activity.pk), data).status_code == 403
    assert client.post(admin_url(Activity, "add"), data).status_code == 403
    assert (
        client.post(admin_url(Activity, "delete", activity.pk), {"post": "yes"}).status_code == 403
    )
    activity.refresh_from_db()
    assert activity.title != "Changed by a viewer"
    assert activity.version == 1


def test_a_viewer_does_not_see_users(client, staff_viewer):
    client.force_login(staff_viewer)

    assert client.get(admin_url(User, "changelist")).status_code == 403


def test_an_admin_save_writes_one_history_row_with_the_final_links(admin_client, rows):
    activity = rows[Activity]
    rows_before = activity.history.count()
    data = page_data(admin_client.get(admin_url(Activity, "change", activity.pk)))
    data["status"] = Activity.Status.SUSPENDED
    data["activitycountry_set-TOTAL_FORMS"] = int(data["activitycountry_set-TOTAL_FORMS"]) + 1
    new_form = int(data["activitycountry_set-TOTAL_FORMS"]) - 1
    data[f"activitycountry_set-{new_form}-country"] = Country.objects.get(iso3="WSM").pk
    data[f"activitycountry_set-{new_form}-activity"] = activity.pk

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert activity.history.count() == rows_before + 1
    latest = activity.history.latest()
    assert latest.status == Activity.Status.SUSPENDED
    assert "WSM" in [link.country.iso3 for link in latest.countries.all()]

    # A revert from the history writes one row too.
    revert_url = admin_url(Activity, "simple_history", activity.pk, latest.history_id)
    admin_client.post(revert_url, form_data(admin_client.get(revert_url).context["adminform"].form))
    assert activity.history.count() == rows_before + 2


def test_a_country_of_another_region_is_refused(admin_client, rows):
    activity = rows[Activity]
    data = page_data(admin_client.get(admin_url(Activity, "change", activity.pk)))
    data["activitycountry_set-0-country"] = Country.objects.get(iso3="NGA").pk

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 200
    assert "Nigeria is not in Asia and the Pacific, the region of this activity." in response.text
    assert "NGA" not in activity.countries.values_list("iso3", flat=True)


def test_every_model_of_ours_in_the_admin_keeps_its_history():
    ours = [m for m in admin.site._registry if m._meta.app_label in ("initiatives", "activities")]
    assert ours
    # A token's history would copy its digest into another table; the admin logs revocations.
    assert [m.__name__ for m in ours if not hasattr(m, "history")] == ["ApiToken"]

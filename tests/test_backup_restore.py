"""Backup and restore as README.md ("Backup and restore") says: `dumpdata --natural-foreign`
of everything but what `migrate` makes again, a flush, `loaddata`, and every row is back as it
was — activities with their links, reports in every state, each history row still on its own
row, users with their roles and regions."""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command

from activities import history, services
from activities.models import Activity, ProgressReport, TargetGroup
from initiatives.models import Country, Designation
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    UserFactory,
    activity_form_data,
    progress_report_form_data,
)

# What README.md's backup leaves out: migrate makes the content types and the permissions
# again (rows refer to them by natural key), and sessions are only logins under way.
BACKUP_EXCLUDES = ["contenttypes", "auth.permission", "sessions"]

# Flushing needs a real transaction; the reference data comes back through `reference_data`.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def work_data(reference_data, client):
    """A realistic database: people in roles and regions; activities created, edited through
    the app, archived, deleted; reports in each state of the workflow; a corrected designation
    and a deleted country."""
    editor = UserFactory(
        username="asp.editor", first_name="Ana", role="Editor", regions=["ASP", "AFR"]
    )
    reviewer = UserFactory(username="asp.reviewer", role="Reviewer", regions=["ASP"])
    UserFactory(username="viewer", role="Viewer", is_active=False)
    # Created and deleted first, so that the rows' ids do not simply start at 1 (a restore
    # that renumbered them would show), and its history points at a row that is gone, as the
    # history of a country deleted in the admin does.
    ActivityFactory(title="Deleted soon").delete()
    Country.objects.get(iso3="NRU").delete()

    client.force_login(editor)
    client.post("/activities/new/", activity_form_data(title="Spectrum training"))
    training = Activity.objects.get(title="Spectrum training")
    training.refresh_from_db()
    client.post(
        f"/activities/{training.pk}/edit/",
        activity_form_data(
            training,
            title="Spectrum training for Pacific regulators",
            reference="ITU-2026-001",
            countries=["TON", "FJI"],
            expected_results=["ASP1.3", "ASP3.4"],
            target_groups=["youth", "women-and-girls"],
            budget_amount="25000.50",
            funding_source=Activity.FundingSource.ICT_DF,
            planned_participants_women=12,
        ),
    )
    study = ActivityFactory(title="IXP study", countries=["WSM"], focal_point=editor)
    study.target_groups.set([TargetGroup.objects.get(code="rural-and-remote-communities")])
    services.archive_activity(study, editor)

    client.post(f"/activities/{training.pk}/reports/new/", progress_report_form_data(quarter=1))
    for quarter in (2, 3, 4):
        report = ProgressReportFactory(activity=training, author=editor, quarter=quarter)
        services.submit_report(report, editor)
    approved, returned = ProgressReport.objects.filter(quarter__in=(3, 4)).order_by("quarter")
    services.approve_report(approved, reviewer, "Well documented.")
    services.return_report(returned, reviewer, "Add the evidence links.")

    designation = Designation.objects.filter(country__iso3="BGD", group="LDC").get()
    designation.note = "Graduation date to confirm."
    designation.save()
    return training


def snapshot():
    """Every row of our apps (history and link tables included) and of the users and groups,
    as plain values. Times to the millisecond, as the JSON of a dump keeps them; permissions
    by their natural key, since `migrate` numbers them anew."""
    permission_keys = {
        permission.pk: (permission.content_type.app_label, permission.codename)
        for permission in Permission.objects.select_related("content_type")
    }
    rows = {}
    for app in ("initiatives", "activities"):
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            # A plain many-to-many table's rows (an activity's target groups) are in the
            # backup as a list on their activity: what they link is kept, not their own ids.
            ignored = {"id"} if model._meta.auto_created else set()
            rows[model._meta.label] = sorted(
                (
                    {
                        name: (
                            permission_keys.get(value, value)
                            if name == "permission_id"  # a history row of a role's permissions
                            else _to_millisecond(value)
                        )
                        for name, value in row.items()
                        if name not in ignored
                    }
                    for row in model._default_manager.values()
                ),
                key=repr,
            )
    rows["users"] = [
        {
            **{name: _to_millisecond(value) for name, value in row.items()},
            "groups": sorted(User.objects.get(pk=row["id"]).groups.values_list("name", flat=True)),
        }
        for row in User.objects.order_by("pk").values()
    ]
    rows["groups"] = {
        group.name: sorted((p.content_type.app_label, p.codename) for p in group.permissions.all())
        for group in Group.objects.all()
    }
    return rows


def _to_millisecond(value):
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def back_up(path):
    call_command(
        "dumpdata",
        "--natural-foreign",
        exclude=BACKUP_EXCLUDES,
        indent=1,
        output=str(path),
        verbosity=0,
    )


def restore(path):
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(path), verbosity=0)


def test_a_restored_backup_holds_every_row_as_it_was(work_data, tmp_path):
    before = snapshot()
    assert len(before["activities.HistoricalActivity"]) >= 6
    assert len(before["activities.ProgressReport"]) == 4
    backup = tmp_path / "backup.json"

    back_up(backup)
    restore(backup)

    assert snapshot() == before


def test_it_restores_what_people_see(work_data, tmp_path):
    backup = tmp_path / "backup.json"
    back_up(backup)
    restore(backup)

    training = Activity.objects.get(reference="ITU-2026-001")
    assert training.pk == work_data.pk  # addresses (/activities/<id>/) still work
    assert training.title == "Spectrum training for Pacific regulators"
    assert sorted(c.iso3 for c in training.countries.all()) == ["FJI", "TON"]
    assert sorted(r.code for r in training.expected_results.all()) == ["ASP1.3", "ASP3.4"]
    assert sorted(g.code for g in training.target_groups.all()) == ["women-and-girls", "youth"]
    assert [(r.quarter, r.state) for r in training.reports.order_by("quarter")] == [
        (1, "draft"),
        (2, "submitted"),
        (3, "approved"),
        (4, "returned"),
    ]
    assert training.reports.get(quarter=4).review_comment == "Add the evidence links."
    # The change history, with who and the links of each version, as the app shows it.
    entries = history.history_entries(training)
    assert [(e.action, e.user.username) for e in entries] == [
        ("Changed", "asp.editor"),
        ("Created", "asp.editor"),
    ]
    assert "Fiji" in entries[0].row.shown_values["countries"]
    assert Activity.objects.get(title="IXP study").is_archived
    editor = User.objects.get(username="asp.editor")
    assert editor.check_password("correct horse battery staple")
    assert list(editor.groups.values_list("name", flat=True)) == ["Editor"]
    assert sorted(editor.region_assignments.values_list("region__code", flat=True)) == [
        "AFR",
        "ASP",
    ]
    assert editor.has_perm("activities.change_activity")


def test_a_restore_writes_no_history_of_its_own(work_data, tmp_path):
    # loaddata saves rows "raw", then sets many-to-many links: neither may add a history row
    # (on PostgreSQL such a row would even take an id that the backup's rows still need).
    backup = tmp_path / "backup.json"
    back_up(backup)
    dumped = json.loads(backup.read_text())
    history_in_backup = [row for row in dumped if row["model"] == "activities.historicalactivity"]

    restore(backup)

    assert Activity.history.count() == len(history_in_backup)


def test_the_backup_names_rows_of_other_tables_by_natural_key(work_data, tmp_path):
    backup = tmp_path / "backup.json"
    back_up(backup)
    dumped = json.loads(backup.read_text())

    models = {row["model"] for row in dumped}
    assert "contenttypes.contenttype" not in models and "auth.permission" not in models
    (editors,) = [
        r for r in dumped if r["model"] == "auth.group" and r["fields"]["name"] == "Editor"
    ]
    assert ["change_activity", "activities", "activity"] in editors["fields"]["permissions"]
    (training,) = [
        r
        for r in dumped
        if r["model"] == "activities.activity" and r["fields"]["reference"] == "ITU-2026-001"
    ]
    assert training["fields"]["created_by"] == ["asp.editor"]
    assert training["fields"]["region"] == ["ASP"]

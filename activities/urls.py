from django.urls import path

from activities import (
    account_views,
    report_list_views,
    report_views,
    spreadsheet_views,
    token_views,
    views,
)

app_name = "activities"

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path(
        "activities/export.csv",
        spreadsheet_views.activity_export,
        {"file_format": "csv"},
        name="activity_export_csv",
    ),
    path(
        "activities/export.xlsx",
        spreadsheet_views.activity_export,
        {"file_format": "xlsx"},
        name="activity_export_xlsx",
    ),
    path(
        "activities/import/template.xlsx", spreadsheet_views.import_template, name="import_template"
    ),
    path("activities/import/", spreadsheet_views.activity_import, name="activity_import"),
    path(
        "activities/import/preview/<uuid:key>/",
        spreadsheet_views.activity_import_preview,
        name="activity_import_preview",
    ),
    path(
        "activities/import/<int:pk>/confirm/",
        spreadsheet_views.activity_import_confirm,
        name="activity_import_confirm",
    ),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path(
        "activities/<int:pk>/contributions/",
        views.activity_contributions,
        name="activity_contributions",
    ),
    path("activities/<int:pk>/money/", views.activity_money, name="activity_money"),
    path("activities/<int:pk>/archive/", views.activity_archive, name="activity_archive"),
    path("activities/<int:pk>/restore/", views.activity_restore, name="activity_restore"),
    path("activities/<int:pk>/history/", views.activity_history, name="activity_history"),
    path("progress-reports/", report_list_views.report_list, name="report_list"),
    path(
        "progress-reports/export.csv",
        report_list_views.report_export,
        {"file_format": "csv"},
        name="report_export_csv",
    ),
    path(
        "progress-reports/export.xlsx",
        report_list_views.report_export,
        {"file_format": "xlsx"},
        name="report_export_xlsx",
    ),
    path("activities/<int:pk>/reports/new/", report_views.report_create, name="report_create"),
    path(
        "activities/<int:pk>/reports/<int:report_pk>/",
        report_views.report_detail,
        name="report_detail",
    ),
    path(
        "activities/<int:pk>/reports/<int:report_pk>/edit/",
        report_views.report_edit,
        name="report_edit",
    ),
    path(
        "activities/<int:pk>/reports/<int:report_pk>/submit/",
        report_views.report_submit,
        name="report_submit",
    ),
    path(
        "activities/<int:pk>/reports/<int:report_pk>/approve/",
        report_views.report_approve,
        name="report_approve",
    ),
    path(
        "activities/<int:pk>/reports/<int:report_pk>/return/",
        report_views.report_return,
        name="report_return",
    ),
    path("account/reminders/", account_views.reminder_settings, name="reminder_settings"),
    path("account/api-tokens/", token_views.api_tokens, name="api_tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        token_views.api_token_revoke,
        name="api_token_revoke",
    ),
]

from django.urls import path

from activities import views

app_name = "activities"

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path(
        "activities/export.csv",
        views.activity_export,
        {"file_format": "csv"},
        name="activity_export_csv",
    ),
    path(
        "activities/export.xlsx",
        views.activity_export,
        {"file_format": "xlsx"},
        name="activity_export_xlsx",
    ),
    path("activities/import/template.xlsx", views.import_template, name="import_template"),
    path("activities/import/", views.activity_import, name="activity_import"),
    path(
        "activities/import/<int:pk>/confirm/",
        views.activity_import_confirm,
        name="activity_import_confirm",
    ),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/archive/", views.activity_archive, name="activity_archive"),
    path("activities/<int:pk>/restore/", views.activity_restore, name="activity_restore"),
    path("activities/<int:pk>/history/", views.activity_history, name="activity_history"),
    path("activities/<int:pk>/reports/new/", views.report_create, name="report_create"),
    path(
        "activities/<int:pk>/reports/<int:report_pk>/",
        views.report_detail,
        name="report_detail",
    ),
    path(
        "activities/<int:pk>/reports/<int:report_pk>/edit/",
        views.report_edit,
        name="report_edit",
    ),
    path(
        "activities/<int:pk>/reports/<int:report_pk>/submit/",
        views.report_submit,
        name="report_submit",
    ),
    path(
        "activities/<int:pk>/reports/<int:report_pk>/approve/",
        views.report_approve,
        name="report_approve",
    ),
    path(
        "activities/<int:pk>/reports/<int:report_pk>/return/",
        views.report_return,
        name="report_return",
    ),
]

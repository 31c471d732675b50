"""The reports' URLs. `<code:…>` is a code (initiatives.converters): a path with anything else
there matches nothing and answers 404."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.all_regions, name="all_regions"),
    path("dashboard/<code:region_code>/", views.region_dashboard, name="region_dashboard"),
    path("dashboard/<code:region_code>/countries/", views.country_list, name="country_list"),
    path("dashboard/<code:region_code>/results/", views.result_list, name="result_list"),
    path("dashboard/<code:region_code>/money/", views.money_lines, name="money_lines"),
    path(
        "dashboard/<code:region_code>/indicators/<int:pk>/",
        views.indicator_actual,
        name="indicator_actual",
    ),
    path(
        "dashboard/<code:region_code>/tables/<code:table>.<code:file_format>",
        views.table_download,
        name="table_download",
    ),
    path("reports/<code:region_code>/<int:year>/", views.regional_report, name="regional_report"),
    path(
        "reports/<code:region_code>/<int:year>/report.<code:file_format>",
        views.regional_report_download,
        name="regional_report_download",
    ),
    path("reports/<code:region_code>/<int:year>/iati.xml", views.iati_file, name="iati_file"),
    path(
        "initiatives/<code:plan_code>/<code:code>/",
        views.initiative_detail,
        name="initiative_detail",
    ),
    path(
        "initiatives/<code:plan_code>/<code:code>/results/<int:number>/",
        views.result_detail,
        name="result_detail",
    ),
    path("countries/<code:iso3>/", views.country_detail, name="country_detail"),
]

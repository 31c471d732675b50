from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.all_regions, name="all_regions"),
    path("dashboard/<str:region_code>/", views.region_dashboard, name="region_dashboard"),
    path("dashboard/<str:region_code>/countries/", views.country_list, name="country_list"),
    path("dashboard/<str:region_code>/results/", views.result_list, name="result_list"),
    path(
        "dashboard/<str:region_code>/tables/<str:table>.<str:file_format>",
        views.table_download,
        name="table_download",
    ),
    path("reports/<str:region_code>/<int:year>/", views.regional_report, name="regional_report"),
    path(
        "reports/<str:region_code>/<int:year>/report.<str:file_format>",
        views.regional_report_download,
        name="regional_report_download",
    ),
    path(
        "initiatives/<str:plan_code>/<str:code>/",
        views.initiative_detail,
        name="initiative_detail",
    ),
    path(
        "initiatives/<str:plan_code>/<str:code>/results/<int:number>/",
        views.result_detail,
        name="result_detail",
    ),
    path("countries/<str:iso3>/", views.country_detail, name="country_detail"),
]

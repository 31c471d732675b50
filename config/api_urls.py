"""The REST API, /api/v1/: each app lists its endpoints as `routes` ((prefix, viewset,
basename)) and its plain views as `urlpatterns`; the OpenAPI schema and its docs page come
from drf-spectacular, with Swagger UI served from our own static files. A path that leads
nowhere answers a 404 problem (JSON), like every other error of the API."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from activities.api import views as activity_api
from activities.api.problems import not_found
from initiatives import api as initiative_api
from reports import api as report_api

router = DefaultRouter()
for module in (initiative_api, activity_api, report_api):
    for prefix, viewset, basename in module.routes:
        router.register(prefix, viewset, basename=basename)

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *initiative_api.urlpatterns,
    *activity_api.urlpatterns,
    *report_api.urlpatterns,
    path("", include(router.urls)),
    # Any other path under /api/v1/: a 404 problem, not the pages' HTML 404.
    re_path(r"^.*$", not_found, name="not_found"),
]

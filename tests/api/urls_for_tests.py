"""The site's URLconf with endpoints that exist only for the API's tests, so that they depend
on no endpoint of the apps: `@pytest.mark.urls("tests.api.urls_for_tests")`.

- /test-api/echo/: who is asking, for every method (with the API's default authentication,
  permissions and throttle);
- /test-api/raise/<problem>/: raises the exception named `problem`, signed in or not;
- /test-api/…: anything else is `problems.not_found`, as under /api/v1/.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path, re_path
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.api import problems
from config.urls import urlpatterns as site_urlpatterns


class Echo(APIView):
    """Who asks, with which method."""

    def get(self, request):
        return Response({"user": request.user.username, "method": request.method})

    def post(self, request):
        return Response({"user": request.user.username, "data": request.data})

    put = patch = post

    def delete(self, request):
        return self.get(request)


RAISED = {
    "django-404": lambda: Http404("No activity has this id."),
    "django-403": lambda: PermissionDenied("Only Asia-Pacific's editors change this."),
    "django-field-errors": lambda: ValidationError(
        {
            "end_date": ["The end is before the start."],
            "__all__": ["An activity of this title exists already."],
        }
    ),
    "django-message": lambda: ValidationError("This activity is archived."),
    "drf-field-errors": lambda: exceptions.ValidationError(
        {"title": ["This field is required."], "year": "A year from 2000 to 2100."}
    ),
    "drf-message": lambda: exceptions.ValidationError("Nothing to import."),
    "conflict": lambda: problems.Conflict(
        changes=[{"field": "title", "before": "Spectrum", "after": "Spectrum training"}],
        current_version=4,
    ),
    "bug": lambda: ZeroDivisionError("a bug, not a problem of the request"),
}


class Raise(APIView):
    """Raises the exception named in the URL; reads JSON on POST (so a bad body fails first)."""

    permission_classes = [AllowAny]

    def get(self, request, problem):
        if problem not in RAISED:
            raise exceptions.NotFound(f"No test problem “{problem}”.")
        raise RAISED[problem]()

    def post(self, request, problem):
        return Response({"data": request.data})


urlpatterns = [
    path("test-api/echo/", Echo.as_view()),
    path("test-api/raise/<str:problem>/", Raise.as_view()),
    re_path(r"^test-api/", problems.not_found),
    *site_urlpatterns,
]

"""URL configuration: each app has its own urls.py under a namespace."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from config import views
from config.forms import AdminLoginForm, LoginForm
from initiatives.converters import CodeConverter
from reports.home_views import home

# `<code:…>` in the apps' URLconfs: registered here, once, before they are included.
register_converter(CodeConverter, "code")

urlpatterns = [
    path("", home, name="home"),
    path("", include("activities.urls")),
    path("", include("reports.urls")),
    path("", include("initiatives.urls")),
    path(
        "login/",
        # LoginView takes PUT as POST; like every page here it answers GET and POST only.
        auth_views.LoginView.as_view(
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
            http_method_names=["get", "head", "post", "options"],
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            # Not Django's registration/password_change_form.html: the admin's own page uses it.
            template_name="registration/password_change.html",
            http_method_names=["get", "head", "post", "options"],
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_changed.html"
        ),
        name="password_change_done",
    ),
    path("api/v1/", include("config.api_urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("csp-report/", views.csp_report, name="csp_report"),
    path(settings.ADMIN_URL, admin.site.urls),
]

# The 500 page with the request's id to quote (a plain template: it must not fail itself).
handler500 = "config.views.server_error"

admin.site.site_header = "Regional Initiatives Tracker – administration"
admin.site.site_title = "Regional Initiatives Tracker"
admin.site.index_title = "Reference data, users and work data"
# Django's admin login form, with the username's length checked (config/forms.py).
admin.site.login_form = AdminLoginForm

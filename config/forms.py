"""The login forms of the site and of the admin: Django's, with the username's length checked.

Django's login form only tells the browser the longest username (`maxlength`); a longer one
posted anyway reached authentication, and django-axes failed to record the failed login in its
table (255 characters of a username) with a server error. Here it is a form error, like any
other, and no login is attempted.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class UsernameLengthMixin:
    """Refuse a username longer than the user model's (150 characters), before any login."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class LoginForm(UsernameLengthMixin, AuthenticationForm):
    """The site's login form (/login/)."""


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    """The admin's login form (admin.site.login_form)."""

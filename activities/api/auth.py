"""Who calls the API and how much: personal tokens (activities.models.ApiToken), sent as
`Authorization: Bearer rit_…`; a read-only token reads only; requests are limited per token
(per user for a browser session) to settings.REST_FRAMEWORK's "token" rate."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import SimpleRateThrottle

from activities.models import ApiToken

# The last use of a token is written at most this often: not one write per request.
LAST_USE_PRECISION = timedelta(minutes=1)


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`: the token's owner, if the token is neither revoked nor
    expired and its owner may still sign in; 401 otherwise. No such header: not this way."""

    keyword = "Bearer"

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                "Give the token after “Bearer ”, with no space in it."
            )
        try:
            token = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This is not a token of this site.") from None
        api_token = ApiToken.objects.find(token)
        if api_token is None or not api_token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "This token is unknown, expired or revoked: make a new one on the page "
                "“API tokens”."
            )
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USE_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        return api_token.user, api_token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema (drf-spectacular) describes `TokenAuthentication`."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token, made on the page “API tokens”: rit_…",
        }


class TokenAllows(BasePermission):
    """A read-only token reads (GET, HEAD, OPTIONS) and nothing else."""

    message = "This token is read-only: make a token that writes to change data."

    def has_permission(self, request, view):
        api_token = request.auth if isinstance(request.auth, ApiToken) else None
        return api_token is None or not api_token.read_only or request.method in SAFE_METHODS


class TokenRateThrottle(SimpleRateThrottle):
    """At most the "token" rate of requests per token, or per user for a browser session."""

    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

"""Placeholder: personal tokens for the REST API (being written)."""

from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        return None


class TokenAllows(BasePermission):
    pass


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        return None

"""Personal API tokens: a user reads and writes through the REST API (/api/v1/) with a token
that acts with its owner's rights, or fewer (read-only).

Only a SHA-256 digest of each token is stored: the token itself is shown once, when it is
made. A token is random (256 bits), so a fast digest is enough — there is nothing to guess.
A token expires (by default a year after it is made) and its owner can revoke it at any time.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from initiatives.validators import validate_text

TOKEN_PREFIX = "rit_"  # noqa: S105  # nosec B105: not a secret, the start of every token
# The start of a token kept in clear, so that its owner can tell their tokens apart.
SHOWN_LENGTH = len(TOKEN_PREFIX) + 6
DEFAULT_LIFETIME = timedelta(days=365)


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Tokens that are neither revoked nor expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def issue(self, user, name, *, read_only=False, lifetime=DEFAULT_LIFETIME):
        """A new token of `user`: (the ApiToken, the token itself, to show once)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        api_token = self.create(
            user=user,
            name=name,
            read_only=read_only,
            key_digest=digest(token),
            shown_start=token[:SHOWN_LENGTH],
            expires_at=timezone.now() + lifetime,
        )
        return api_token, token

    def revoke(self):
        """Revoke these tokens, but those revoked already (whose time of revocation stays):
        how many were revoked now. One UPDATE, so two revocations at once revoke once."""
        return self.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())

    def find(self, token):
        """The usable token whose digest is that of `token`, with its user; None if none."""
        return self.usable().select_related("user").filter(key_digest=digest(token)).first()


class ApiToken(models.Model):
    """A personal token for the REST API, named by its owner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What it is for, e.g. “Power BI”.", validators=[validate_text]
    )
    read_only = models.BooleanField(
        default=False, help_text="On: the token reads, and cannot write anything."
    )
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    shown_start = models.CharField(max_length=SHOWN_LENGTH, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.shown_start}…)"

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

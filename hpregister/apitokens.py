"""Personal API tokens for scripts: ``Authorization: Bearer hpr_…``.

A token authenticates as its owner, with at most the owner's rights (the same access layer as the pages);
a read-only token may only read. Each use is in the security audit trail, and each token is throttled on
its own (``API_TOKEN_RATE``).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions, throttling

from .audit import record
from .choices import SecurityEventKind
from .models import ApiToken


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        http_request = request._request  # the audit trail reads the address; never DRF's lazy user (recursion)
        scheme, _sep, key = header.partition(" ")
        if scheme != self.keyword:
            return None
        key = key.strip()
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key)).first()
            if key.startswith(ApiToken.PREFIX)
            else None
        )
        if token is None or not token.is_active or not token.user.is_active:
            record(
                SecurityEventKind.API_TOKEN_REFUSED,
                user=token.user if token else None,
                request=http_request,
                detail=f"{key[:12]}…: {'unknown' if token is None else 'expired, revoked or inactive user'}",
            )
            raise exceptions.AuthenticationFailed(_("The API token is unknown, expired or revoked."))
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        record(
            SecurityEventKind.API_TOKEN_USED,
            user=token.user,
            request=http_request,
            detail=f"{token.prefix}… {request.method} {request.path}"[:500],
        )
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ReadOnlyTokenPermission(permissions.BasePermission):
    """A read-only token reads; only a full token (or the browser session) writes."""

    message = _("This API token is read-only.")

    def has_permission(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return token is None or not token.read_only or request.method in permissions.SAFE_METHODS


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Requests per token (a session user: per user), at API_TOKEN_RATE."""

    scope = "api_token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

"""Single sign-on with OpenID Connect (mozilla-django-oidc), beside the local accounts.

Configured only from the environment (``OIDC_*``, see the README): without ``OIDC_RP_CLIENT_ID`` the login
page has no SSO button and the ``/oidc/`` routes answer 404.

- The user is found by the provider's subject (``sub``), never by e-mail, which people change and reuse.
- Organisations and roles come from the groups claim (``OIDC_GROUPS_CLAIM``) through ``SsoGroupMapping``,
  edited by administrators in the admin. Each sign-in makes the user's SSO memberships what the mappings say
  now: a removed group removes its access. Memberships given by hand are left alone.
- Someone with no mapped group is not let in: they get a page saying whom to ask (``SSO_HELP_CONTACT``).
- Deactivation at the provider takes effect at the next sign-in, which the provider refuses, or sooner: an
  SSO session is checked with the provider again (silently, ``prompt=none``) once its ID token is older than
  ``OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS``; a refused check signs the user out (``SessionRefresh``), and an
  accepted one re-syncs the memberships as a sign-in does.
- Our second factor is not asked again when the provider's ID token says one was used (``amr`` contains one
  of ``OIDC_MFA_AMR``, or ``acr`` is one of ``OIDC_MFA_ACR``) and ``OIDC_TRUST_PROVIDER_MFA`` is on.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode, urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh as OidcSessionRefresh

from . import audit
from .choices import Role, SecurityEventKind
from .twofactor import MFA_SESSION_KEY

REFUSED_SESSION_KEY = "sso_refused"
# When two mapped groups give one organisation different roles, the broader role wins.
ROLE_RANK = {Role.ADMINISTRATOR: 3, Role.PRIVACY_OFFICER: 2, Role.MANAGER: 1}


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


def sso_only(view):
    """The mozilla-django-oidc views, answering 404 while SSO is not configured."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def username_for(claims: dict) -> str:
    return f"oidc-{claims['sub']}"[:150]


def provider_mfa(id_token_claims: dict) -> bool:
    """Did the provider's sign-in use more than one factor (and do we trust it to say so)?"""
    if not settings.OIDC_TRUST_PROVIDER_MFA:
        return False
    amr = id_token_claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(set(amr) & set(settings.OIDC_MFA_AMR)) or id_token_claims.get("acr") in settings.OIDC_MFA_ACR


def mapped_roles(groups) -> dict[int, str]:
    """{organisation id: role} that the user's groups give, through the operators' mapping table."""
    from .models import SsoGroupMapping

    roles: dict[int, str] = {}
    for organisation_id, role in SsoGroupMapping.objects.filter(group__in=list(groups)).values_list(
        "organisation_id", "role"
    ):
        if ROLE_RANK.get(role, 0) > ROLE_RANK.get(roles.get(organisation_id), 0):
            roles[organisation_id] = role
    return roles


class SsoBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not sso_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        self.id_token_claims = payload  # amr / acr: read once the user is known
        return payload

    def filter_users_by_claims(self, claims):
        if not claims.get("sub"):
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username_for(claims))

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def create_user(self, claims):
        roles = self._roles_or_refuse(claims)
        with transaction.atomic():
            user = get_user_model().objects.create_user(username_for(claims), claims.get("email", ""))
            user.set_unusable_password()  # signs in through the provider only
            self._update(user, claims, roles)
        return user

    def update_user(self, user, claims):
        roles = self._roles_or_refuse(claims, user)
        with transaction.atomic():
            self._update(user, claims, roles)
        return user

    def _roles_or_refuse(self, claims, user=None) -> dict[int, str]:
        # Entra ID puts the groups in the ID token only; others in the user-info answer as well.
        id_claims = getattr(self, "id_token_claims", {})
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or id_claims.get(settings.OIDC_GROUPS_CLAIM) or []
        roles = mapped_roles(groups if isinstance(groups, list) else [groups])
        if not roles:
            if user is not None:
                self._sync_memberships(user, {})  # access removed at the provider: removed here too
            self.request.session[REFUSED_SESSION_KEY] = "no_mapping"
            audit.record(
                SecurityEventKind.LOGIN_FAILED,
                request=self.request,
                username=username_for(claims),
                detail="single sign-on: no group of the user is mapped to an organisation",
            )
            raise SuspiciousOperation("no group of this user is mapped to an organisation")
        return roles

    def _update(self, user, claims, roles) -> None:
        user.first_name = (claims.get("given_name") or "")[:150]
        user.last_name = (claims.get("family_name") or "")[:150]
        user.email = claims.get("email") or user.email
        user.save()
        self._sync_memberships(user, roles)
        self.request.session[MFA_SESSION_KEY] = provider_mfa(getattr(self, "id_token_claims", {}))

    def _sync_memberships(self, user, roles: dict[int, str]) -> None:
        from .models import Membership

        current = {m.organisation_id: m for m in Membership.objects.filter(user=user, from_sso=True)}
        for organisation_id, membership in current.items():
            if organisation_id not in roles:
                membership.delete()
        for organisation_id, role in roles.items():
            membership = current.get(organisation_id)
            if membership is None:
                Membership.objects.get_or_create(
                    user=user, organisation_id=organisation_id, defaults={"role": role, "from_sso": True}
                )
            elif membership.role != role:
                membership.role = role
                membership.save()


def _setting(name, default=None):
    return property(lambda self: getattr(settings, name, default))


class SessionRefresh(OidcSessionRefresh):
    """mozilla-django-oidc's session refresh, for sessions signed in through SSO only, reading its settings
    at each request rather than once at start-up (so that it follows the environment's configuration, and
    is idle while SSO is off). Local accounts are never redirected."""

    OIDC_EXEMPT_URLS = _setting("OIDC_EXEMPT_URLS", [])
    OIDC_OP_AUTHORIZATION_ENDPOINT = _setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_RP_CLIENT_ID = _setting("OIDC_RP_CLIENT_ID")
    OIDC_STATE_SIZE = _setting("OIDC_STATE_SIZE", 32)
    OIDC_AUTHENTICATION_CALLBACK_URL = _setting("OIDC_AUTHENTICATION_CALLBACK_URL", "oidc_authentication_callback")
    OIDC_RP_SCOPES = _setting("OIDC_RP_SCOPES", "openid email")
    OIDC_USE_NONCE = _setting("OIDC_USE_NONCE", True)
    OIDC_NONCE_SIZE = _setting("OIDC_NONCE_SIZE", 32)

    def __init__(self, get_response):
        MiddlewareMixin.__init__(self, get_response)  # the parent's reads the settings once: these are live

    @functools.cached_property
    def exempt_urls(self):
        # The parent's adds "oidc_logout", a route we do not have (signing out is ours: "logout").
        names = [u for u in self.OIDC_EXEMPT_URLS if isinstance(u, str)]
        names += ["oidc_authentication_init", "oidc_authentication_callback", "logout"]
        return {name if name.startswith("/") else reverse(name) for name in names}

    def process_request(self, request):
        if not sso_enabled():
            return None
        return super().process_request(request)


class LogoutView(auth_views.LogoutView):
    """Signing out ends the provider's session too (RP-initiated logout), when ``OIDC_OP_LOGOUT_ENDPOINT`` is
    set and the user signed in through it: otherwise the next "Log in with …" would sign them straight back in
    without a password, on a shared ward computer. The provider returns them to our login page. A local
    account's sign-out stays with us."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")  # read before the session is flushed
        response = super().post(request, *args, **kwargs)
        if not (id_token and sso_enabled() and settings.OIDC_OP_LOGOUT_ENDPOINT):
            return response
        endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
        query = urlencode(
            {
                "id_token_hint": id_token,
                "client_id": settings.OIDC_RP_CLIENT_ID,
                "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
            }
        )
        return HttpResponseRedirect(f"{endpoint}{'&' if '?' in endpoint else '?'}{query}")


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's middleware, with the provider's origin added to ``form-action`` while SSO logout is set:
    the sign-out form posts to us and we redirect to the provider, and browsers check that redirect against
    ``form-action`` too. Read per response, so it follows the live settings."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT if sso_enabled() else ""
        if endpoint:
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(endpoint))
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), origin]
            parts.update = update
        return parts


def refused(request):
    """Where a refused single sign-on lands: why, and whom to ask."""
    if not sso_enabled():
        raise Http404
    reason = request.session.pop(REFUSED_SESSION_KEY, "")
    return render(
        request,
        "registration/sso_refused.html",
        {
            "title": _("No access to the register"),
            "no_mapping": reason == "no_mapping",
            "contact": settings.SSO_HELP_CONTACT,
            "provider": settings.OIDC_PROVIDER_NAME or _("single sign-on"),
        },
    )


def login_context(request) -> dict:
    """The login page's SSO button (context processor)."""
    if request.path != reverse("login") or not sso_enabled():
        return {}
    return {"sso_login": {"provider": settings.OIDC_PROVIDER_NAME or _("single sign-on")}}

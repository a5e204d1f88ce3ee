"""The security audit trail: who signed in, failed, was locked out, changed a factor, a password or rights.

Everything goes through ``record()``. Events that Django or django-axes signal are caught here (sign-ins,
failures, lockouts, sign-outs, password and rights changes on the user, memberships); the two-factor and
password views call ``record()`` for what only they know. The request (for the address and browser) is
the one passed in, or else the one django-simple-history's middleware keeps for the current thread, so an
administrator's change in Django admin is recorded with the administrator as actor.
"""

from __future__ import annotations

import datetime as dt

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.models import HistoricalRecords

from .choices import Role
from .choices import SecurityEventKind as Kind
from .models import Membership, SecurityEvent

RIGHTS_FIELDS = ("is_active", "is_staff", "is_superuser")


def role_name(role: str | None) -> str:
    """A role as the register's own language names it: the trail stores text, read long after."""
    if not role:
        return "–"
    with translation.override(settings.LANGUAGE_CODE):
        return str(Role(role).label) if role in Role.values else role


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def client_address(request) -> str | None:
    """The client's address as the WSGI server saw it. Behind a proxy, the proxy must set REMOTE_ADDR
    (gunicorn's --forwarded-allow-ips); a client-supplied X-Forwarded-For is never trusted here."""
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    return address or None


def too_many(kind: str, limit: int, *, request=None, user=None, window=dt.timedelta(hours=1)) -> bool:
    """Whether ``kind`` happened ``limit`` times or more within ``window`` from this client address or for
    this account: the rate limit of the self-service pages, read from the trail that records each try."""
    since = timezone.now() - window
    recent = SecurityEvent.objects.filter(kind=kind, at__gte=since)
    address = client_address(request)
    by_address = address is not None and recent.filter(ip_address=address).count() >= limit
    by_user = user is not None and user.pk is not None and recent.filter(user=user).count() >= limit
    return by_address or by_user


def record(kind: str, *, user=None, request=None, username: str = "", actor=None, detail: str = "") -> SecurityEvent:
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        requester = getattr(request, "user", None)
        if requester is not None and requester.is_authenticated and requester != user:
            actor = requester
    if user is not None and not username:
        username = user.get_username()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=username[:150],
        actor=actor,
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        detail=detail[:500],
    )


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    record(Kind.LOGIN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    user = get_user_model()._default_manager.filter(username=username).first()
    record(Kind.LOGIN_FAILED, user=user, username=username, request=request)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    user = get_user_model()._default_manager.filter(username=username).first() if username else None
    record(Kind.LOCKED_OUT, user=user, username=username or "", request=request)


@receiver(pre_save, sender=get_user_model(), dispatch_uid="audit_user_rights")
def _user_changed(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = sender._default_manager.filter(pk=instance.pk).values("password", *RIGHTS_FIELDS).first()
    if before is None:
        return
    if before["password"] != instance.password:
        kind = getattr(instance, "_password_event", Kind.PASSWORD_CHANGED)
        # A password set by someone else (an administrator) is recorded with them as actor.
        record(kind, user=instance)
    changed = [
        f"{name}: {before[name]} → {getattr(instance, name)}"
        for name in RIGHTS_FIELDS
        if before[name] != getattr(instance, name)
    ]
    if changed:
        record(Kind.ACCOUNT_CHANGED, user=instance, detail=", ".join(changed))


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="audit_user_groups")
def _groups_changed(sender, instance, action, pk_set, reverse=False, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        record(Kind.ACCOUNT_CHANGED, user=instance, detail=f"groups {action[5:]}: {sorted(pk_set or [])}")


@receiver(pre_save, sender=Membership, dispatch_uid="audit_membership_before")
def _membership_before(sender, instance, raw=False, **kwargs):
    instance._audit_before = (
        None if instance.pk is None else sender.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    )


@receiver(post_save, sender=Membership, dispatch_uid="audit_membership_saved")
def _membership_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_audit_before", None)
    if created:
        record(Kind.MEMBERSHIP_ADDED, user=instance.user, detail=f"{instance.organisation}: {role_name(instance.role)}")
    elif before != instance.role:
        record(
            Kind.MEMBERSHIP_CHANGED,
            user=instance.user,
            detail=f"{instance.organisation}: {role_name(before)} → {role_name(instance.role)}",
        )


@receiver(post_delete, sender=Membership, dispatch_uid="audit_membership_removed")
def _membership_removed(sender, instance, **kwargs):
    record(Kind.MEMBERSHIP_REMOVED, user=instance.user, detail=f"{instance.organisation}: {role_name(instance.role)}")


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="audit_totp_removed")
def _device_removed(sender, instance, **kwargs):
    if instance.confirmed:
        record(Kind.OTP_REMOVED, user=instance.user, detail=instance.name)

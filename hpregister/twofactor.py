"""Two-factor authentication with django-otp: TOTP enrolment, recovery codes, and enforcement.

Privacy officers and administrators must verify a second factor when ``OTP_REQUIRED`` is on (the
default whenever DEBUG is off). Users enrol themselves at /account/two-factor/.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .access import Access
from .choices import Role, SecurityEventKind
from .forms import StyledFormMixin

MFA_SESSION_KEY = "sso_mfa"  # set by hpregister.sso when the provider's token shows a second factor
RECOVERY_CODES = 10
EXEMPT_PREFIXES = ("/account/two-factor/", "/accounts/logout/", "/static/", "/healthz", "/i18n/", "/calendar/")


def needs_second_factor(user) -> bool:
    if not user.is_authenticated:
        return False
    access = Access.for_user(user)
    return user.is_staff or user.is_superuser or any(Role.PRIVACY_OFFICER in r for r in access.roles.values())


def has_confirmed_device(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Cheapest first: a verified session (the device it was verified with, read anyway) needs no look at
        # the user's memberships, which cost every page a query.
        if (
            settings.OTP_REQUIRED
            and user is not None
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and not request.session.get(MFA_SESSION_KEY)  # the identity provider's own second factor
            and needs_second_factor(user)
        ):
            target = "twofactor_verify" if has_confirmed_device(user) else "twofactor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class TokenForm(StyledFormMixin, forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        help_text=gettext_lazy("The 6 digits from your app, or a recovery code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def needs_verification_first(request) -> bool:
    """Enrolling, replacing or removing a device, and new recovery codes, need a session that has already
    verified a second factor. The one exception is a user's first enrolment (no confirmed device yet):
    otherwise a stolen password alone would be enough to take over the second factor."""
    return has_confirmed_device(request.user) and not request.user.is_verified()


def _to_verify(request):
    return redirect(f"{reverse('twofactor_verify')}?next={request.path}")


def _verified_login(request, device) -> None:
    """Mark the session verified and give it a new key, so a key seen before verification is worthless."""
    otp_login(request, device)
    request.session.cycle_key()


def setup(request):
    """Enrol a TOTP app: scan the code, type a token to confirm, get recovery codes (shown once).

    Confirming replaces any earlier app: one phone at a time, and a lost phone stops working at once."""
    if needs_verification_first(request):
        return _to_verify(request)
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="app", confirmed=False
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            replaced = has_confirmed_device(user)
            with transaction.atomic():
                for old in TOTPDevice.objects.filter(user=user).exclude(pk=device.pk):
                    old.delete()  # recorded as a removal by the audit trail
                device.confirmed = True
                device.save()
                codes = new_recovery_codes(user)
                audit.record(
                    SecurityEventKind.OTP_ENROLLED, user=user, request=request, detail="replaced" if replaced else ""
                )
            _verified_login(request, device)
            return render(
                request,
                "twofactor/recovery_codes.html",
                {
                    "title": _("Two-factor authentication is on"),
                    "codes": codes,
                    "next": _next(request),
                },
            )
        audit.record(SecurityEventKind.OTP_FAILED, user=user, request=request, detail="enrolment")
        form.add_error("token", _("The code is not right. Check the clock on your phone and try again."))
    return render(
        request,
        "twofactor/setup.html",
        {
            "title": _("Set up two-factor authentication"),
            "form": form,
            "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - our SVG
            "secret": base64.b32encode(device.bin_key).decode().rstrip("="),  # what authenticator apps take
            "next": _next(request),
        },
    )


@require_POST
def recovery_codes(request):
    """Ten new recovery codes; the old ones stop working."""
    if not has_confirmed_device(request.user):
        return redirect("twofactor_setup")
    if not request.user.is_verified():
        return _to_verify(request)
    with transaction.atomic():
        codes = new_recovery_codes(request.user)
        audit.record(SecurityEventKind.RECOVERY_CODES_NEW, user=request.user, request=request)
    return render(
        request,
        "twofactor/recovery_codes.html",
        {"title": _("New recovery codes"), "codes": codes, "next": reverse("account")},
    )


@require_POST
def remove(request):
    """Turn two-factor authentication off: every device and recovery code goes. Where a second factor is
    required, the next sign-in asks for a new enrolment."""
    if needs_verification_first(request):
        return _to_verify(request)
    with transaction.atomic():
        for device in TOTPDevice.objects.filter(user=request.user):
            device.delete()  # recorded as a removal by the audit trail
        StaticDevice.objects.filter(user=request.user).delete()
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("account")


def new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            _verified_login(request, device)
            if isinstance(device, StaticDevice):
                audit.record(SecurityEventKind.RECOVERY_CODE_USED, user=request.user, request=request)
                messages.warning(request, _("You used a recovery code; each works once."))
            else:
                audit.record(SecurityEventKind.OTP_VERIFIED, user=request.user, request=request)
            return redirect(_next(request))
        audit.record(SecurityEventKind.OTP_FAILED, user=request.user, request=request)
        form.add_error("token", _("The code is not right."))
    return render(
        request,
        "twofactor/verify.html",
        {
            "title": _("Two-factor authentication"),
            "form": form,
            "next": _next(request),
        },
    )

"""A user's own settings page and their calendar feed (a secret, revocable URL for Outlook)."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from icalendar import Calendar, Event

from .audit import record
from .choices import SecurityEventKind
from .forms import ApiTokenForm, ProfileForm, object_id
from .models import ApiToken, Profile
from .reminders.digest import deadlines_by_user
from .timeutils import OSLO

CALENDAR_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@never_cache
def account(request):
    profile = Profile.for_user(request.user)
    form = ProfileForm(request.POST if request.POST.get("action") == "save" else None, instance=profile)
    token_form = ApiTokenForm(request.POST if request.POST.get("action") == "new_token" else None)
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "new_token" and token_form.is_valid():
            token, new_key = ApiToken.issue(
                request.user,
                name=token_form.cleaned_data["name"],
                days=token_form.cleaned_data["days"],
                read_only=token_form.cleaned_data["read_only"],
            )
            record(SecurityEventKind.API_TOKEN_CREATED, user=request.user, request=request, detail=str(token))
            token_form = ApiTokenForm()  # the key is shown below, this once; the page is not cached
        if action == "revoke_token":
            token = ApiToken.objects.filter(
                user=request.user, pk=object_id(request.POST.get("token", "")), revoked_at__isnull=True
            ).first()
            if token is not None:
                token.revoked_at = timezone.now()
                token.save(update_fields=["revoked_at"])
                record(SecurityEventKind.API_TOKEN_REVOKED, user=request.user, request=request, detail=str(token))
                messages.success(request, _("The API token is revoked."))
            return redirect("account")
        if action == "save" and form.is_valid():
            form.save()
            response = redirect("account")
            response.set_cookie("django_language", profile.language, samesite="Lax")
            messages.success(request, _("Saved."))
            return response
        if action == "new_calendar":
            profile.new_calendar_token()
            messages.success(request, _("A new calendar address is ready. The old one no longer works."))
            return redirect("account")
        if action == "revoke_calendar":
            profile.calendar_token = None
            profile.save(update_fields=["calendar_token"])
            messages.success(request, _("The calendar address is revoked."))
            return redirect("account")
    calendar_url = (
        request.build_absolute_uri(reverse("calendar_feed", args=[profile.calendar_token]))
        if profile.calendar_token
        else None
    )
    from .twofactor import has_confirmed_device

    return render(
        request,
        "account.html",
        {
            "title": _("My settings"),
            "form": form,
            "calendar_url": calendar_url,
            "has_device": has_confirmed_device(request.user),
            "verified": request.user.is_verified(),
            "token_form": token_form,
            "new_key": new_key,
            "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True),
        },
    )


@login_not_required
@never_cache
def calendar_feed(request, token):
    if not CALENDAR_TOKEN.fullmatch(token):  # what new_calendar_token makes; anything else cannot exist
        raise Http404
    profile = Profile.objects.filter(calendar_token=token, user__is_active=True).select_related("user").first()
    if profile is None:
        raise Http404
    calendar = Calendar()
    calendar.add("prodid", "-//HP Register//hpregister//NB")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "HP Register")
    now = timezone.now()
    for item in deadlines_by_user(now, days=365).get(profile.user_id, []):
        event = Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", now)
        if item["all_day"]:  # a due date: an all-day event on that day (Oslo)
            day = timezone.localtime(item["deadline"], OSLO).date()
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
        else:
            event.add("dtstart", item["deadline"])
            event.add("dtend", item["deadline"] + dt.timedelta(minutes=30))
        event.add("summary", f"{item['kind_label']}: {item['title']}")
        event.add("url", item["url"])
        event.add("description", item["url"])
        calendar.add_component(event)
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")

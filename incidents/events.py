"""The breach events other systems can subscribe to (webhooks): registered, the 72-hour deadline 12 hours
away and passed, and a notification to Datatilsynet recorded."""

import datetime as dt

from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from hpregister.events import EventKind, event_kinds, publish

from .models import Incident, Notification


def _the_72_hour_clock(kind) -> bool:
    return kind.name == "incident.datatilsynet"


def register() -> None:
    for kind in [
        EventKind("incident.registered", _("Incident registered"), order=10),
        EventKind(
            "incident.deadline_soon",
            _("72-hour deadline in 12 hours"),
            order=20,
            deadlines=_the_72_hour_clock,
            lead=dt.timedelta(hours=12),
        ),
        EventKind("incident.deadline_passed", _("72-hour deadline passed"), order=30, deadlines=_the_72_hour_clock),
        EventKind("incident.notification_submitted", _("Notification to Datatilsynet recorded"), order=40),
    ]:
        event_kinds.register(kind)
    post_save.connect(incident_saved, sender=Incident, dispatch_uid="incidents.events.incident")
    post_save.connect(notification_saved, sender=Notification, dispatch_uid="incidents.events.notification")


def incident_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:  # the page, the API, a staff case, the admin: every way in
        publish("incident.registered", instance)


def notification_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        publish("incident.notification_submitted", instance.incident, key=f"notification:{instance.pk}")

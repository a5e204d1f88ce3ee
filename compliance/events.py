"""The compliance events other systems can subscribe to (webhooks)."""

from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from hpregister.events import EventKind, event_kinds, publish

from .models import SubProcessorNotice


def register() -> None:
    event_kinds.register(EventKind("subprocessor.notice_received", _("Sub-processor notice received"), order=70))
    post_save.connect(notice_saved, sender=SubProcessorNotice, dispatch_uid="compliance.events.notice")


def notice_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        publish("subprocessor.notice_received", instance)

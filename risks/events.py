"""The risk events other systems can subscribe to (webhooks)."""

from django.utils.translation import gettext_lazy as _

from hpregister.events import EventKind, event_kinds


def register() -> None:
    event_kinds.register(EventKind("top10.approved", _("Top-10 period approved"), order=60))

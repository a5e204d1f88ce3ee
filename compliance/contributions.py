"""What the compliance app contributes to the kernel: a dashboard panel, search sources, reference data."""

from django.utils.translation import gettext_lazy as _

from hpregister.filters import search_source
from hpregister.registry import Panel, ReferenceLoader, dashboard_panels, reference_loaders, search_sources

from . import reference
from .filters import GapFilterSet, ObligationFilterSet, SubProcessorFilterSet
from .models import Gap, Obligation, SubProcessor


def counts(request) -> dict:
    user = request.user
    return {
        "obligations": Obligation.objects.visible_to(user).current().count(),
        "gaps": Gap.objects.visible_to(user).open().count(),
        "subprocessors": SubProcessor.objects.visible_to(user).count(),
        "failing": SubProcessor.objects.visible_to(user).failing_validation().count(),
    }


def register() -> None:
    dashboard_panels.register(Panel("compliance.counts", "compliance/panels/counts.html", counts, order=60))
    search_sources.register(search_source("compliance.obligation", _("Duties"), ObligationFilterSet, 30))
    search_sources.register(search_source("compliance.gap", _("Gaps and findings"), GapFilterSet, 40))
    search_sources.register(search_source("compliance.subprocessor", _("Sub-processors"), SubProcessorFilterSet, 50))
    reference_loaders.register(ReferenceLoader("compliance", reference.load, order=20))

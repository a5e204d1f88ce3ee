import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from hpregister.filters import SearchFilterSet, organisation_filter

from .choices import (
    AgreementKind,
    AssessmentStatus,
    GapKind,
    GapStatus,
    Holder,
    NoticeDecision,
    SubProcessorStatus,
    TransferBasis,
)
from .models import (
    AdequacyDecision,
    Assessment,
    Gap,
    Obligation,
    ProcessorAgreement,
    SubProcessor,
    SubProcessorNotice,
)

YES = [("yes", _("Yes"))]


class ObligationFilterSet(SearchFilterSet):
    search_fields = ("code", "title", "legal_basis", "summary")
    fulltext_fields = ("title", "summary")
    holder = django_filters.ChoiceFilter(choices=Holder.choices, label=_("Held by"))
    status = django_filters.ChoiceFilter(
        choices=AssessmentStatus.choices, label=_("Has an assessment with status"), method="filter_status"
    )
    organisation = organisation_filter(field_name="assessments__organisation")
    overdue = django_filters.ChoiceFilter(choices=YES, label=_("Review overdue"), method="filter_overdue")
    version = django_filters.ChoiceFilter(
        choices=[("all", _("All versions"))], label=_("Versions"), method="filter_version", empty_label=_("Current")
    )

    class Meta:
        model = Obligation
        fields = ["q", "holder", "status", "organisation", "overdue", "version"]

    def filter_version(self, queryset, name, value):
        return queryset  # "all": see filter_queryset

    # Current versions unless "all" is chosen, for the page and the API alike.

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset if self.form.cleaned_data.get("version") == "all" else queryset.current()

    @property
    def qs(self):
        if not hasattr(self, "_qs") and not self.is_bound:  # no parameters at all: django-filter filters nothing
            self._qs = self.queryset.all().current()
        return super().qs

    def filter_status(self, queryset, name, value):
        return queryset.filter(Exists(Assessment.objects.filter(obligation=OuterRef("pk"), status=value)))

    def filter_overdue(self, queryset, name, value):
        overdue = Assessment.objects.filter(obligation=OuterRef("pk"), next_review__lt=timezone.localdate())
        return queryset.filter(Exists(overdue))


class AssessmentFilterSet(SearchFilterSet):
    search_fields = ("obligation__code", "obligation__title", "organisation__name", "rationale")
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices, label=_("Status"))
    organisation = organisation_filter()
    holder = django_filters.ChoiceFilter(field_name="obligation__holder", choices=Holder.choices, label=_("Held by"))
    overdue = django_filters.ChoiceFilter(choices=YES, label=_("Review overdue"), method="filter_overdue")

    class Meta:
        model = Assessment
        fields = ["q", "status", "organisation", "holder", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.review_overdue()


class GapFilterSet(SearchFilterSet):
    search_fields = ("code", "title", "summary", "source", "raised_by")
    fulltext_fields = ("title", "summary")
    kind = django_filters.ChoiceFilter(choices=GapKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=GapStatus.choices, label=_("Status"))
    organisation = organisation_filter()

    class Meta:
        model = Gap
        fields = ["q", "kind", "status", "organisation"]


class SubProcessorFilterSet(SearchFilterSet):
    search_fields = ("name", "processing_activity", "address", "data_processed")
    fulltext_fields = ("processing_activity", "data_processed")
    country = django_filters.ChoiceFilter(choices=countries, label=_("Country"))
    transfer_basis = django_filters.ChoiceFilter(choices=TransferBasis.choices, label=_("Transfer basis"))
    status = django_filters.ChoiceFilter(choices=SubProcessorStatus.choices, label=_("Status"))
    overdue = django_filters.ChoiceFilter(choices=YES, label=_("Review overdue"), method="filter_overdue")
    failing = django_filters.ChoiceFilter(choices=YES, label=_("Failing validation"), method="filter_failing")
    adequacy_expiring = django_filters.ChoiceFilter(
        choices=YES, label=_("Adequacy decision ending soon"), method="filter_adequacy_expiring"
    )

    class Meta:
        model = SubProcessor
        fields = ["q", "country", "transfer_basis", "status", "overdue", "failing", "adequacy_expiring"]

    def filter_adequacy_expiring(self, queryset, name, value):
        return queryset.adequacy_expiring()

    def filter_overdue(self, queryset, name, value):
        return queryset.review_overdue()

    def filter_failing(self, queryset, name, value):
        return queryset.failing_validation()


class SubProcessorNoticeFilterSet(SearchFilterSet):
    search_fields = ("name", "details")
    decision = django_filters.ChoiceFilter(choices=NoticeDecision.choices, label=_("Decision"))

    class Meta:
        model = SubProcessorNotice
        fields = ["q", "decision"]


class AdequacyDecisionFilterSet(SearchFilterSet):
    search_fields = ("title", "note")

    class Meta:
        model = AdequacyDecision
        fields = ["q"]


class ProcessorAgreementFilterSet(SearchFilterSet):
    search_fields = ("processor", "reference", "note")
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices, label=_("Kind"))

    class Meta:
        model = ProcessorAgreement
        fields = ["q", "organisation", "kind"]

    organisation = organisation_filter()

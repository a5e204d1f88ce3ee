from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.models import Obligation, ProcessorAgreement
from hpregister.fields import OsloDateTimeField
from hpregister.forms import ScopedModelForm, StyledFormMixin
from hpregister.uploads import check_upload
from risks.models import Risk

from .choices import DataCategory
from .models import CaseEntry, Incident, IncidentMeasure, IncidentOrganisation, Notification, RootCause


class IncidentForm(ScopedModelForm):
    occurred_from = OsloDateTimeField(label=_("Occurred from"), required=False)
    occurred_to = OsloDateTimeField(label=_("Occurred until"), required=False)
    discovered_at = OsloDateTimeField(label=_("Discovered"))
    aware_at = OsloDateTimeField(
        label=_("Became aware"), help_text=_("When the controller became aware: the 72-hour clock starts here.")
    )
    processor_detected_at = OsloDateTimeField(label=_("Processor detected it"), required=False)
    processor_notified_at = OsloDateTimeField(label=_("Processor notified us"), required=False)
    subjects_informed_at = OsloDateTimeField(label=_("Data subjects informed"), required=False)
    police_notified_at = OsloDateTimeField(label=_("Police (Kripos) notified"), required=False)
    data_categories = forms.MultipleChoiceField(
        label=_("Categories of personal data"),
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    fieldsets = [
        (
            _("What happened"),
            [
                "title",
                "description",
                "main_cause",
                "category",
                "root_cause",
                "system",
                "breach_confidentiality",
                "breach_integrity",
                "breach_availability",
            ],
        ),
        (
            _("When (Norwegian time)"),
            ["occurred_from", "occurred_to", "ongoing", "discovered_at", "aware_at", "awareness_basis", "how_known"],
        ),
        (
            _("Who and what is affected"),
            [
                "organisations",
                "processor",
                "processor_agreement",
                "processor_detected_at",
                "processor_notified_at",
                "data_categories",
                "subjects_count",
                "records_count",
                "subjects_relation",
                "data_location",
            ],
        ),
        (
            _("Consequences and measures"),
            ["likely_consequences", "measures_taken", "measures_planned", "contact_point"],
        ),
        (_("Risk assessment (Art. 33)"), ["risk_level", "risk_rationale"]),
        (
            _("Data subjects (Art. 34)"),
            ["subjects_decision", "subjects_rationale", "subjects_informed_at", "subjects_informed_how"],
        ),
        (_("Police"), ["police_notified_at", "police_reference"]),
        (_("Links"), ["risks", "obligations"]),
    ]

    class Meta:
        model = Incident
        fields = [
            "title",
            "description",
            "main_cause",
            "category",
            "root_cause",
            "system",
            "breach_confidentiality",
            "breach_integrity",
            "breach_availability",
            "occurred_from",
            "occurred_to",
            "ongoing",
            "discovered_at",
            "aware_at",
            "awareness_basis",
            "how_known",
            "organisations",
            "processor",
            "processor_agreement",
            "processor_detected_at",
            "processor_notified_at",
            "data_categories",
            "subjects_count",
            "records_count",
            "subjects_relation",
            "data_location",
            "likely_consequences",
            "measures_taken",
            "measures_planned",
            "contact_point",
            "risk_level",
            "risk_rationale",
            "subjects_decision",
            "subjects_rationale",
            "subjects_informed_at",
            "subjects_informed_how",
            "police_notified_at",
            "police_reference",
            "risks",
            "obligations",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "main_cause": forms.Textarea(attrs={"rows": 2}),
            "awareness_basis": forms.Textarea(attrs={"rows": 2}),
            "data_location": forms.Textarea(attrs={"rows": 2}),
            "likely_consequences": forms.Textarea(attrs={"rows": 3}),
            "measures_taken": forms.Textarea(attrs={"rows": 3}),
            "measures_planned": forms.Textarea(attrs={"rows": 3}),
            "risk_rationale": forms.Textarea(attrs={"rows": 3}),
            "subjects_rationale": forms.Textarea(attrs={"rows": 2}),
            # Tick boxes, not a list that needs Ctrl-click: a shared breach may concern many of the 39.
            "organisations": forms.CheckboxSelectMultiple,
            "risks": forms.SelectMultiple(attrs={"size": 5}),
            "obligations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risks"].queryset = Risk.objects.visible_to(self.user)
        self.fields["obligations"].queryset = Obligation.objects.visible_to(self.user)
        self.fields["processor_agreement"].queryset = ProcessorAgreement.objects.visible_to(self.user).select_related(
            "organisation"
        )
        # A cause no longer in use stays on the breaches that have it, and is offered for no new one.
        self.fields["root_cause"].queryset = RootCause.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.root_cause_id)
        )
        self.fields["organisations"].help_text = _("Tick every organisation whose patients or staff are affected.")
        self.fields["risks"].help_text = _("Hold Ctrl (Cmd on a Mac) to choose more than one.")
        choices = self.fields["organisations"].queryset
        if not self.is_bound and self.instance.pk is None and choices.count() == 1:
            self.initial["organisations"] = list(choices)  # one organisation: nothing to choose

    def clean_organisations(self):
        organisations = self.cleaned_data["organisations"]
        if not organisations:
            raise forms.ValidationError(_("Choose at least one affected organisation."))
        return organisations

    def save(self, commit=True):
        """The one way an incident is saved, from its page or from the API: who registered it, the status
        its duties give it (saved with the edit: one history entry), then the duties of its organisations."""
        if self.instance.pk is None:
            self.instance.created_by = self.user
        self.instance.status = self.instance.derived_status()
        incident = super().save(commit=commit)
        if commit:
            incident.refresh_status()  # the organisations are saved after the incident: duties follow them
        return incident


class NotificationForm(ScopedModelForm):
    sent_at = OsloDateTimeField(label=_("Sent"))

    class Meta:
        model = Notification
        fields = ["phase", "phased", "channel", "sent_at", "case_reference", "delay_reason", "summary"]
        widgets = {"delay_reason": forms.Textarea(attrs={"rows": 3}), "summary": forms.Textarea(attrs={"rows": 3})}


class MeasureForm(ScopedModelForm):
    class Meta:
        model = IncidentMeasure
        fields = ["description", "owner", "due_on", "status", "done_on", "cancel_reason"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "done_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "cancel_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].required = True
        self.fields["owner"].required = True  # someone is accountable for closing every measure
        # Owners: people in the incident's organisations or at Helseplattformen AS.
        incident = self.instance.incident
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, memberships__organisation__in=[*incident.organisations.all(), *_operators()]
            )
            .distinct()
            .order_by("first_name", "username")
        )


def _operators():
    from hpregister.models import Organisation

    return Organisation.objects.filter(is_operator=True)


class AffectedOrganisationForm(ScopedModelForm):
    informed_at = OsloDateTimeField(label=_("Informed"), required=False)
    acknowledged_at = OsloDateTimeField(label=_("Acknowledged"), required=False)

    class Meta:
        model = IncidentOrganisation
        fields = ["informed_at", "acknowledged_at"]

    def save(self, commit=True):
        # Whoever records that the organisation was informed is the one who informed it (page and API alike).
        if "informed_at" in self.changed_data and self.cleaned_data["informed_at"]:
            self.instance.informed_by = self.user
        return super().save(commit)


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 3}))


class CaseEntryForm(ScopedModelForm):
    """A comment or a document for the case thread; a file is checked (size, type, content, virus scan)."""

    upload = forms.FileField(label=_("File"), required=False, help_text=_("PDF, image, Word, Excel, text or e-mail."))

    class Meta:
        model = CaseEntry
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.upload_type = check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("upload") and "upload" not in self.errors:
            self.add_error("text", _("Write a text or attach a file."))
        return cleaned

    def _post_clean(self):
        # The checked file joins the entry before the model's own validation (a text or a file).
        upload = self.cleaned_data.get("upload")
        if upload:
            self.instance.file = upload
            self.instance.name = upload.name[:200]
            self.instance.content_type = self.upload_type
            self.instance.size = upload.size
        super()._post_clean()


class RootCauseForm(ScopedModelForm):
    class Meta:
        model = RootCause
        fields = ["name", "description", "risk", "is_active", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

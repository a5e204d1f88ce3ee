from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.choices import GapKind
from compliance.models import Gap, SubProcessor
from hpregister.forms import ScopedModelForm
from hpregister.models import Organisation
from hpregister.people import people
from risks.models import Risk

from .models import ArchiveSeries, Dpia, ProcessingActivity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


def owners(form):
    """People the editor may make owner: members of the organisations they may record for."""
    return people(form.access.editable_organisation_ids())


class ProcessingActivityForm(ScopedModelForm):
    fieldsets = [
        (_("Who"), ["organisation", "role", "controllers", "contact"]),
        (
            _("The processing"),
            ["name", "purposes", "legal_basis", "data_subjects", "data_categories", "special_categories", "recipients"],
        ),
        (_("Transfers"), ["subprocessors", "other_transfers"]),
        (_("Retention and security"), ["retention", "security_measures"]),
    ]

    class Meta:
        model = ProcessingActivity
        fields = [
            "organisation",
            "role",
            "controllers",
            "contact",
            "name",
            "purposes",
            "legal_basis",
            "data_subjects",
            "data_categories",
            "special_categories",
            "recipients",
            "subprocessors",
            "other_transfers",
            "retention",
            "security_measures",
        ]
        widgets = {
            name: TEXT
            for name in (
                "purposes",
                "legal_basis",
                "data_subjects",
                "data_categories",
                "recipients",
                "other_transfers",
                "retention",
                "security_measures",
            )
        } | {"subprocessors": forms.CheckboxSelectMultiple, "controllers": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["controllers"].queryset = Organisation.objects.visible_to(self.user)
        self.fields["subprocessors"].queryset = SubProcessor.objects.visible_to(self.user)


class DpiaForm(ScopedModelForm):
    fieldsets = [
        (_("The assessment"), ["organisation", "title", "description", "activities", "risks", "owner"]),
        (_("Status"), ["status", "residual_risk", "conclusion", "completed_on", "review_due"]),
        (
            _("Prior consultation (Art. 36)"),
            [
                "processing_starts_on",
                "consultation_sent_on",
                "consultation_extended",
                "consultation_reference",
                "consultation_outcome",
                "consultation_answered_on",
            ],
        ),
    ]

    class Meta:
        model = Dpia
        fields = [
            "organisation",
            "title",
            "description",
            "activities",
            "risks",
            "owner",
            "status",
            "residual_risk",
            "conclusion",
            "completed_on",
            "review_due",
            "processing_starts_on",
            "consultation_sent_on",
            "consultation_extended",
            "consultation_reference",
            "consultation_outcome",
            "consultation_answered_on",
        ]
        widgets = {
            "description": TEXT,
            "conclusion": TEXT,
            "activities": forms.SelectMultiple(attrs={"size": 5}),
            "risks": forms.SelectMultiple(attrs={"size": 5}),
        } | {
            name: DATE
            for name in ("completed_on", "review_due", "processing_starts_on", "consultation_sent_on")
            + ("consultation_answered_on",)
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = ProcessingActivity.objects.visible_to(self.user)
        self.fields["risks"].queryset = Risk.objects.visible_to(self.user)
        self.fields["owner"].queryset = owners(self)
        for name in ("activities", "risks"):
            self.fields[name].help_text = _("Hold Ctrl (Cmd on a Mac) to choose more than one.")

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        if organisation is not None:
            others = [a for a in cleaned.get("activities") or [] if a.organisation_id != organisation.pk]
            if others:
                self.add_error("activities", _("Choose processing activities of the DPIA's own organisation."))
        return cleaned


class ArchiveSeriesForm(ScopedModelForm):
    class Meta:
        model = ArchiveSeries
        fields = [
            "organisation",
            "name",
            "service_level",
            "regime",
            "medium",
            "disposition",
            "trigger",
            "trigger_on",
            "retention_years",
            "agreed_handover_on",
            "disposal_plan",
            "location",
            "responsible",
            "done_on",
            "gaps",
        ]
        widgets = {
            "trigger_on": DATE,
            "agreed_handover_on": DATE,
            "done_on": DATE,
            "disposal_plan": TEXT,
            "gaps": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gaps"].queryset = Gap.objects.visible_to(self.user).filter(kind=GapKind.ARCHIVE)
        self.fields["responsible"].queryset = owners(self)
        self.fields["gaps"].help_text = _("The archive-law gaps this series concerns.")

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        gaps = cleaned.get("gaps") or []
        if organisation is not None and any(g.organisation_id not in (None, organisation.pk) for g in gaps):
            self.add_error("gaps", _("Choose gaps of the series' own organisation."))
        return cleaned

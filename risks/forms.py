from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from compliance.models import Obligation
from hpregister.forms import ScopedModelForm, StyledFormMixin
from hpregister.models import Organisation

from .choices import Dimension, PrivacyArea
from .models import LevelBand, PeriodEntry, Risk, RiskMeasure, RiskScale, ScaleStep

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def members_of(organisation_ids):
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__organisation_id__in=organisation_ids)
        .distinct()
        .order_by("first_name", "username")
    )


class RiskForm(ScopedModelForm):
    fieldsets = [
        (_("The risk"), ["title", "organisation", "description", "category", "privacy_area", "owner", "status"]),
        (_("Inherent risk (before measures)"), ["inherent_probability", "inherent_consequence"]),
        (_("Residual risk (after measures)"), ["residual_probability", "residual_consequence"]),
        (_("Treatment and review"), ["treatment", "treatment_justification", "next_review"]),
        (_("Links"), ["obligations"]),
    ]

    class Meta:
        model = Risk
        fields = [
            "title",
            "organisation",
            "description",
            "category",
            "privacy_area",
            "owner",
            "status",
            "inherent_probability",
            "inherent_consequence",
            "residual_probability",
            "residual_consequence",
            "treatment",
            "treatment_justification",
            "next_review",
            "obligations",
        ]
        widgets = {
            "next_review": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
            "treatment_justification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scale = RiskScale.active()
        current = {
            self.instance.residual_probability_id,
            self.instance.residual_consequence_id,
            self.instance.inherent_probability_id,
            self.instance.inherent_consequence_id,
        } - {None}
        steps = ScaleStep.objects.filter(scale=scale) | ScaleStep.objects.filter(pk__in=current)
        for name in ("inherent_probability", "residual_probability"):
            self.fields[name].queryset = steps.filter(dimension=Dimension.PROBABILITY).order_by("value")
        for name in ("inherent_consequence", "residual_consequence"):
            self.fields[name].queryset = steps.filter(dimension=Dimension.CONSEQUENCE).order_by("value")
        self.fields["next_review"].required = True
        self.fields["obligations"].queryset = Obligation.objects.current()
        self.fields["owner"].queryset = members_of(self.fields["organisation"].queryset.values("pk"))


class RiskMeasureForm(ScopedModelForm):
    class Meta:
        model = RiskMeasure
        fields = ["description", "responsible", "owner", "due_on", "status", "done_on"]
        widgets = {"due_on": DATE, "done_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members_of([self.instance.risk.organisation_id])
        self.fields["due_on"].required = True
        self.fields["owner"].required = True  # someone is accountable for closing every measure


class AcceptanceForm(StyledFormMixin, forms.Form):
    valid_until = forms.DateField(label=_("Accepted until"), widget=DATE)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4}))


class AcceptableLevelForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    area = forms.ChoiceField(label=_("Privacy area"), choices=PrivacyArea.choices)
    level = forms.ModelChoiceField(
        label=_("Highest acceptable residual level"),
        queryset=LevelBand.objects.filter(scale__is_active=True).order_by("rank"),
        help_text=_("A risk above this level is worked on until it is at the level, or accepted by management."),
    )
    justification = forms.CharField(label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class PeriodEntryForm(ScopedModelForm):
    class Meta:
        model = PeriodEntry
        fields = ["rank", "risk", "residual_probability", "residual_consequence", "change_reason"]
        widgets = {"change_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = Risk.objects.filter(organisation=self.instance.period.organisation)
        self.fields["residual_probability"].queryset = ScaleStep.objects.filter(dimension=Dimension.PROBABILITY)
        self.fields["residual_consequence"].queryset = ScaleStep.objects.filter(dimension=Dimension.CONSEQUENCE)

    def _taken(self, **lookup) -> bool:
        # The (period, rank) and (period, risk) constraints involve a field not on the form: check them here.
        return PeriodEntry.objects.filter(period=self.instance.period, **lookup).exclude(pk=self.instance.pk).exists()

    def clean_rank(self):
        rank = self.cleaned_data["rank"]
        if self._taken(rank=rank):
            raise forms.ValidationError(_("Another risk has rank %(rank)d in this period.") % {"rank": rank})
        return rank

    def clean_risk(self):
        risk = self.cleaned_data["risk"]
        if self._taken(risk=risk):
            raise forms.ValidationError(_("The risk is already on this list."))
        return risk


class PreparePeriodForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example 3. tertial 2025."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_name(self):
        name = self.cleaned_data["name"]
        if self.organisation.reporting_periods.filter(name=name).exists():
            raise forms.ValidationError(_("A period with that name exists."))
        return name

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("The period must end after it starts."))
        return data


class RejectForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("What must change before the list can be approved?"), widget=forms.Textarea(attrs={"rows": 4})
    )


class MoveEntryForm(forms.Form):
    """One place up or down a draft top-10 list (the arrows on the period's page)."""

    direction = forms.ChoiceField(label=_("Direction"), choices=[("up", _("Up")), ("down", _("Down"))])

    @property
    def step(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1

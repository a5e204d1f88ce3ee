from django import forms
from django.utils.translation import gettext_lazy as _

from hpregister.fields import OsloDateTimeField
from hpregister.forms import ScopedModelForm
from hpregister.people import people

from .models import AccessLogRequest, LogControlPlan, LogReview, StaffCase, StaffCaseStep

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LogControlPlanForm(ScopedModelForm):
    class Meta:
        model = LogControlPlan
        fields = [
            "organisation",
            "name",
            "kind",
            "target",
            "method",
            "every_months",
            "responsible",
            "next_due",
            "is_active",
        ]
        widgets = {"next_due": DATE, "method": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people(self.fields["organisation"].queryset)
        self.fields["responsible"].required = True


class LogReviewForm(ScopedModelForm):
    class Meta:
        model = LogReview
        fields = [
            "organisation",
            "plan",
            "kind",
            "target",
            "period_from",
            "period_to",
            "scope",
            "method",
            "reviewer",
            "reviewed_on",
            "lookups_checked",
            "findings",
            "suspected",
        ]
        widgets = {
            "period_from": DATE,
            "period_to": DATE,
            "reviewed_on": DATE,
            "scope": forms.Textarea(attrs={"rows": 2}),
            "method": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = self.fields["organisation"].queryset
        self.fields["plan"].queryset = LogControlPlan.objects.filter(organisation__in=organisations)
        self.fields["reviewer"].queryset = people(organisations)


class StaffCaseForm(ScopedModelForm):
    confirmed_at = OsloDateTimeField(
        label=_("Access confirmed"),
        help_text=_("When the review confirmed the look-up. If it is a breach, the 72-hour clock starts here."),
    )

    class Meta:
        model = StaffCase
        fields = [
            "organisation",
            "employee",
            "summary",
            "confirmed_at",
            "breach_decision",
            "breach_rationale",
            "outcome",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "breach_rationale": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }


class StaffCaseStepForm(ScopedModelForm):
    class Meta:
        model = StaffCaseStep
        fields = ["owner", "due_on", "done_on", "note"]
        widgets = {"due_on": DATE, "done_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people([self.instance.case.organisation_id])
        self.fields["owner"].required = True


class AccessLogRequestForm(ScopedModelForm):
    class Meta:
        model = AccessLogRequest
        fields = [
            "organisation",
            "reference",
            "received_on",
            "owner",
            "extended_until",
            "extension_reason",
            "extension_notified_on",
            "answered_on",
        ]
        widgets = {
            "received_on": DATE,
            "extended_until": DATE,
            "extension_notified_on": DATE,
            "answered_on": DATE,
            "extension_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people(self.fields["organisation"].queryset)
        self.fields["owner"].required = True

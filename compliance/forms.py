import csv
import io
from pathlib import Path

import openpyxl
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hpregister.forms import ScopedModelForm, StyledFormMixin
from hpregister.uploads import check_upload
from risks.models import Risk

from .models import (
    AdequacyDecision,
    Assessment,
    Gap,
    GapAction,
    Obligation,
    ProcessorAgreement,
    SubProcessor,
    SubProcessorNotice,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GapForm(ScopedModelForm):
    class Meta:
        model = Gap
        fields = [
            "code",
            "kind",
            "title",
            "organisation",
            "source",
            "raised_by",
            "reported",
            "summary",
            "proposed_remedy",
            "status",
            "status_date",
            "status_note",
            "obligations",
            "risks",
        ]
        widgets = {"status_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risks"].queryset = Risk.objects.visible_to(self.user)
        self.fields["obligations"].queryset = Obligation.objects.current()


class GapActionForm(ScopedModelForm):
    class Meta:
        model = GapAction
        fields = ["description", "owner", "due_on", "status", "done_on"]
        widgets = {"due_on": DATE, "done_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, memberships__organisation=self.instance.gap.organisation)
            .distinct()
        )
        self.fields["owner"].required = True  # someone is accountable for closing every action
        self.fields["due_on"].required = True


class AssessmentForm(ScopedModelForm):
    upload = forms.FileField(label=_("Add an evidence file"), required=False)

    class Meta:
        model = Assessment
        fields = ["status", "rationale", "evidence_links"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 4}), "evidence_links": forms.Textarea(attrs={"rows": 3})}

    def save(self, commit=True):
        # Whoever saves an assessment assessed it today; the duty's cadence gives the next review.
        self.instance.record(user=self.user)
        return super().save(commit)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.upload_type = check_upload(upload)
        return upload

    def clean_evidence_links(self):
        links = self.cleaned_data["evidence_links"]
        validator = forms.URLField(assume_scheme="https")
        for line in links.splitlines():
            if line.strip():
                try:
                    validator.clean(line.strip())
                except forms.ValidationError as exc:
                    raise forms.ValidationError(_("Not a link: %(line)s") % {"line": line.strip()}) from exc
        return links


class EvidenceForm(forms.Form):
    """One evidence file for an assessment, checked as on the assessment page (type, content, size, virus)."""

    file = forms.FileField(label=_("Evidence file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.upload_type = check_upload(upload)
        return upload


class SubProcessorForm(ScopedModelForm):
    class Meta:
        model = SubProcessor
        fields = [
            "name",
            "processing_activity",
            "address",
            "country",
            "transfer_basis",
            "transfer_reference",
            "adequacy_decision",
            "dpf_checked_on",
            "scc_module",
            "tia_date",
            "derogation",
            "data_processed",
            "agreement_reference",
            "status",
            "approved_on",
            "last_review",
            "next_review",
        ]
        widgets = {f: DATE for f in ("dpf_checked_on", "tia_date", "approved_on", "last_review", "next_review")}


class AdequacyDecisionForm(ScopedModelForm):
    class Meta:
        model = AdequacyDecision
        fields = ["country", "title", "adopted_on", "expires_on", "note"]
        widgets = {"adopted_on": DATE, "expires_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}


class ProcessorAgreementForm(ScopedModelForm):
    class Meta:
        model = ProcessorAgreement
        fields = [
            "organisation",
            "kind",
            "processor",
            "subprocessor",
            "reference",
            "signed_on",
            "ends_on",
            "breach_notice_hours",
            "note",
        ]
        widgets = {"signed_on": DATE, "ends_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}


class NoticeForm(ScopedModelForm):
    class Meta:
        model = SubProcessorNotice
        fields = ["change", "name", "subprocessor", "replaces", "received_on", "objection_deadline", "details"]
        widgets = {"received_on": DATE, "objection_deadline": DATE, "details": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"objection_deadline": _("Leave empty: the received date plus the objection window.")}


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accepted", _("Accepted")), ("objected", _("Objected"))]
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


IMPORT_COLUMNS = [
    "name",
    "processing_activity",
    "address",
    "country",
    "transfer_basis",
    "transfer_reference",
    "data_processed",
]


def read_csv_upload(data: bytes) -> list[list[str]]:
    """Rows of a CSV file as people save them: UTF-8 (with or without a BOM), or Windows-1252 as Excel in
    Norway writes it; separated by commas, or by semicolons as Excel does where the comma is the decimal sign."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)  # the header row names the columns: its separator is the file's
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Updated sub-processor list (CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if upload.size > settings.EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        try:
            if suffix == ".csv":
                rows = read_csv_upload(upload.read())
            elif suffix == ".xlsx":
                sheet = openpyxl.load_workbook(upload, read_only=True, data_only=True).active
                rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            else:
                raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        except Exception as exc:  # noqa: BLE001 - a parser may raise anything on a broken file; none is a 500
            raise forms.ValidationError(_("The file could not be read: %(error)s") % {"error": exc}) from exc
        if not rows or [c.strip() for c in rows[0][: len(IMPORT_COLUMNS)]] != IMPORT_COLUMNS:
            raise forms.ValidationError(
                _("The first row must be the columns %(columns)s.") % {"columns": ", ".join(IMPORT_COLUMNS)}
            )
        return [dict(zip(IMPORT_COLUMNS, [c.strip() for c in row], strict=False)) for row in rows[1:] if any(row)]

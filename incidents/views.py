from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hpregister.access import Access
from hpregister.forms import object_id
from hpregister.pdf import pdf_response
from hpregister.tables import KeySource
from hpregister.timeutils import humanize_duration
from hpregister.views import ChildObjectEditView, ObjectDetailView, ObjectEditView, ObjectListView, attempt

from . import filters, forms, tables
from .kpis import breach_kpis
from .models import (
    ENDED,
    BreachCount,
    CaseEntry,
    Incident,
    IncidentMeasure,
    IncidentOrganisation,
    Notification,
    RootCause,
    close_incident,
    reopen_incident,
    withdraw_incident,
)
from .recurrence import link_recurrences, recurrence_candidates
from .report import datatilsynet_report
from .statistics import breach_statistics


class IncidentListView(ObjectListView):
    # The affected organisations' names come from IncidentTable.prefetch, for the page or the export's chunk.
    queryset = Incident.objects.select_related("root_cause")
    table_class = tables.IncidentTable
    filterset_class = filters.IncidentFilterSet
    template_name = "incidents/incident_list.html"

    def key_source(self):
        """An officer of one organisation: the keys and the count come from that organisation's link rows,
        which carry the incident's aware_at, category, status and title (kept by the database), in the indexes
        (organisation, [category | status,] aware_at | title, incident); with any other filter, from the
        incidents."""
        access, narrowing = self.access, self.narrowing()
        if access.sees_all or len(access.organisation_ids) != 1 or narrowing is None:
            return None
        if set(narrowing) - {"category", "status"}:
            return None
        (organisation,) = access.organisation_ids
        rows = IncidentOrganisation.objects.filter(organisation_id=organisation)
        if "category" in narrowing:
            rows = rows.filter(category=narrowing["category"])
        if "status" in narrowing:
            rows = rows.filter(status__in=narrowing["status"])
        return KeySource(rows, {"aware_at": "aware_at", "title": "title", "id": "incident_id"})


class IncidentView(ObjectDetailView):
    model = Incident
    queryset = Incident.objects.prefetch_related("organisations", "risks", "obligations")
    record_children = {
        gettext_lazy("Notifications"): "notifications",
        gettext_lazy("Measures"): "measures",
        gettext_lazy("Affected organisations"): "affected",
        gettext_lazy("Case thread"): "case_entries",
    }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        incident = self.object
        ctx["clock"] = clock = incident.clock()
        ctx["clock_delta"] = humanize_duration(clock["delta"]) if clock.get("delta") is not None else ""
        ctx["processor_delay"] = humanize_duration(incident.processor_delay) if incident.processor_delay else ""
        ctx["notifications"] = incident.notifications.select_related("sent_by")
        ctx["measures"] = incident.measures.select_related("owner")
        ctx["affected"] = incident.affected.select_related("organisation", "informed_by")
        ctx["case_entries"] = incident.case_entries.select_related("created_by")
        ctx["report"] = datatilsynet_report(incident)
        ctx["ended"] = ended = incident.status in ENDED
        ctx["open_duties"] = [] if ended else incident.open_duties()
        ctx["recurrence_of"] = incident.recurrence_of.visible_to(self.request.user).order_by("-aware_at")
        ctx["recurrences"] = incident.recurrences.visible_to(self.request.user).order_by("-aware_at")
        ctx["recurrence_candidates"] = recurrence_candidates(incident, self.request.user)[:20] if not ended else []
        ctx["recurrence_months"] = settings.RECURRENCE_MONTHS
        return ctx


class IncidentEditView(ObjectEditView):
    """Add or edit an incident; ``IncidentForm.save`` does what saving one means (the API uses it too)."""

    model = Incident
    form_class = forms.IncidentForm


class IncidentChildEditView(ChildObjectEditView):
    parent_model = Incident
    parent_field = "incident"

    def get_form_kwargs(self):
        if self.parent.status in ENDED:
            # A closed incident's records stay as they were closed: reopen it (with a reason) to change them.
            raise PermissionDenied(_("The incident is closed or withdrawn: reopen it to change its records."))
        return super().get_form_kwargs()

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            self.parent.refresh_status()
        return response


class NotificationEditView(IncidentChildEditView):
    model = Notification
    form_class = forms.NotificationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if kwargs["instance"].pk is None:
            kwargs["instance"].sent_by = self.request.user
        return kwargs


class MeasureEditView(IncidentChildEditView):
    model = IncidentMeasure
    form_class = forms.MeasureForm


class CaseEntryAddView(IncidentChildEditView):
    """Add to the case thread (entries are never edited: the thread is the record)."""

    model = CaseEntry
    form_class = forms.CaseEntryForm

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)


def case_file(request, pk, entry_pk):
    """A case file is never on a public URL: the reader's access to the incident is checked, then it streams."""
    entry = get_object_or_404(
        CaseEntry.objects.filter(incident__in=Incident.objects.visible_to(request.user)).exclude(file=""),
        incident_id=pk,
        pk=entry_pk,
    )
    response = FileResponse(
        entry.file.open("rb"), as_attachment=True, filename=entry.name, content_type=entry.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class AffectedOrganisationEditView(IncidentChildEditView):
    model = IncidentOrganisation
    form_class = forms.AffectedOrganisationForm


def _editable_incident(request, pk):
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
    if not Access.for_user(request.user).can_edit(incident):
        raise PermissionDenied
    return incident


def incident_close(request, pk):
    """Closing asks first, and is refused while any duty is open: the page lists each with a link."""
    incident = _editable_incident(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        if attempt(request, lambda: close_incident(incident=incident, user=request.user), _("The incident is closed.")):
            return redirect(incident)
    return render(
        request,
        "incidents/incident_close.html",
        {
            "title": _("Close %(incident)s") % {"incident": incident.reference},
            "incident": incident,
            "duties": incident.open_duties() if incident.status not in ENDED else [],
        },
    )


def incident_withdraw(request, pk):
    return _transition(
        request,
        pk,
        forms.WithdrawForm,
        withdraw_incident,
        _("Withdraw %(incident)s"),
        _("Withdraw the incident"),
        _("The incident is withdrawn. It stays in the register."),
    )


def incident_reopen(request, pk):
    return _transition(
        request,
        pk,
        forms.ReopenForm,
        reopen_incident,
        _("Reopen %(incident)s"),
        _("Reopen the incident"),
        _("The incident is open again: its duties and reminders are live."),
    )


def _transition(request, pk, form_class, action, title, button, done):
    """A transition that needs a reason (withdraw, reopen): a form, the action under a lock, a message."""
    incident = _editable_incident(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                action(incident=incident, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return redirect(incident)
    return render(
        request,
        "generic/object_edit.html",
        {
            "form": form,
            "title": title % {"incident": incident},
            "submit_label": button,
            "cancel_url": incident.get_absolute_url(),
        },
    )


def _report_context(request, pk) -> dict:
    incident = get_object_or_404(Incident.objects.visible_to(request.user).prefetch_related("organisations"), pk=pk)
    return {
        "title": _("Report to Datatilsynet: %(ref)s") % {"ref": incident.reference},
        "incident": incident,
        "report": datatilsynet_report(incident),
    }


def incident_report(request, pk):
    return render(request, "incidents/incident_report.html", _report_context(request, pk))


def incident_report_pdf(request, pk):
    context = _report_context(request, pk)
    return pdf_response(
        request, "incidents/incident_report_pdf.html", context, f"{context['incident'].reference}-datatilsynet"
    )


def statistics(request):
    return render(
        request, "incidents/statistics.html", {**breach_statistics(request), "kpis": breach_kpis(request.user)}
    )


class BreachCountListView(ObjectListView):
    queryset = BreachCount.objects.select_related("root_cause")
    table_class = tables.BreachCountTable
    filterset_class = filters.BreachCountFilterSet


class BreachCountView(ObjectDetailView):
    model = BreachCount
    fields = ["year", "category", "root_cause", "count", "period_note", "source"]


class RootCauseListView(ObjectListView):
    queryset = RootCause.objects.select_related("risk")
    table_class = tables.RootCauseTable
    filterset_class = filters.RootCauseFilterSet


class RootCauseView(ObjectDetailView):
    model = RootCause
    queryset = RootCause.objects.select_related("risk")
    fields = ["name", "description", "risk", "is_active", "order"]


class RootCauseEditView(ObjectEditView):
    model = RootCause
    form_class = forms.RootCauseForm


def incident_recurrences(request, pk):
    """Link the earlier breaches this one repeats (POST, from the incident's page)."""
    incident = _editable_incident(request, pk)
    if request.method != "POST":
        return redirect(incident)
    ids = [object_id(value) for value in request.POST.getlist("earlier")]
    earlier = list(recurrence_candidates(incident, request.user).filter(pk__in=[i for i in ids if i]))
    if not earlier:
        messages.error(request, _("Tick the earlier breaches this one repeats."))
        return redirect(incident)
    try:
        reopened = link_recurrences(incident=incident, earlier=earlier, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Linked %(n)d earlier breaches. %(m)d of their measures did not work and are open again.")
            % {"n": len(earlier), "m": reopened},
        )
    return redirect(incident)

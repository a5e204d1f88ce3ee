from django.http import Http404
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hpregister.access import Access
from hpregister.forms import object_id
from hpregister.models import Organisation
from hpregister.pdf import pdf_response
from hpregister.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import filters, forms, tables
from .choices import ProcessingRole
from .models import ArchiveSeries, Dpia, ProcessingActivity, transfers_of


class ProcessingActivityListView(ObjectListView):
    queryset = ProcessingActivity.objects.select_related("organisation")
    table_class = tables.ProcessingActivityTable
    filterset_class = filters.ProcessingActivityFilterSet
    template_name = "internalcontrol/list.html"


class ProcessingActivityView(ObjectDetailView):
    model = ProcessingActivity
    queryset = ProcessingActivity.objects.select_related("organisation")
    fields = [f for f in forms.ProcessingActivityForm.Meta.fields if f != "subprocessors"]
    record_children = {gettext_lazy("DPIAs"): "dpias"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["transfers"] = self.object.transfers()
        ctx["dpias"] = self.object.dpias.visible_to(self.request.user)
        return ctx


class ProcessingActivityEditView(ObjectEditView):
    model = ProcessingActivity
    form_class = forms.ProcessingActivityForm


class DpiaListView(ObjectListView):
    queryset = Dpia.objects.select_related("organisation", "owner")
    table_class = tables.DpiaTable
    filterset_class = filters.DpiaFilterSet
    template_name = "internalcontrol/list.html"


class DpiaView(ObjectDetailView):
    model = Dpia
    queryset = Dpia.objects.select_related("organisation", "owner")
    fields = forms.DpiaForm.Meta.fields


class DpiaEditView(ObjectEditView):
    model = Dpia
    form_class = forms.DpiaForm


class ArchiveSeriesListView(ObjectListView):
    queryset = ArchiveSeries.objects.select_related("organisation")
    table_class = tables.ArchiveSeriesTable
    filterset_class = filters.ArchiveSeriesFilterSet
    template_name = "internalcontrol/list.html"


class ArchiveSeriesView(ObjectDetailView):
    model = ArchiveSeries
    queryset = ArchiveSeries.objects.select_related("organisation", "responsible")
    fields = [*forms.ArchiveSeriesForm.Meta.fields[:-2], "due_on", "done_on", "gaps"]


class ArchiveSeriesEditView(ObjectEditView):
    model = ArchiveSeries
    form_class = forms.ArchiveSeriesForm


def chosen_organisation(request):
    """The organisation asked for in ``?organisation=``, among those the user sees; else their first."""
    visible = Organisation.objects.visible_to(request.user)
    wanted = object_id(request.GET.get("organisation", ""))
    if wanted is not None:
        organisation = visible.filter(pk=wanted).first()
        if organisation is None:
            raise Http404
        return organisation
    access = Access.for_user(request.user)
    own = visible.filter(pk__in=access.roles) if access.roles else visible
    return own.first()


def record_context(request):
    organisation = chosen_organisation(request)
    role = request.GET.get("role")
    if role not in ProcessingRole.values:
        role = ProcessingRole.PROCESSOR if organisation and organisation.is_operator else ProcessingRole.CONTROLLER
    activities = list(
        ProcessingActivity.objects.visible_to(request.user)
        .filter(organisation=organisation, role=role)
        .prefetch_related("subprocessors", "controllers")
        .order_by("name")
    )
    subprocessors = {s.pk: s for a in activities for s in a.subprocessors.all()}
    transfers = {t.subprocessor.pk: t for t in transfers_of(list(subprocessors.values()))}
    for activity in activities:
        activity.transfer_rows = [transfers[s.pk] for s in activity.subprocessors.all()]
    return {
        "title": _("Record of processing activities"),
        "organisation": organisation,
        "organisations": Organisation.objects.visible_to(request.user),
        "role": role,
        "roles": ProcessingRole.choices,
        "role_label": dict(ProcessingRole.choices)[role],
        "activities": activities,
    }


def record(request):
    """An organisation's Art. 30 record: every processing activity, with its transfers, printable."""
    return render(request, "internalcontrol/record.html", record_context(request))


def record_pdf(request):
    context = record_context(request)
    if context["organisation"] is None:
        raise Http404
    filename = slugify(f"protokoll-{context['organisation'].name}-{context['role']}")
    return pdf_response(request, "internalcontrol/record_pdf.html", context, filename)

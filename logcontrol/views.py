from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hpregister.access import Access
from hpregister.forms import object_id
from hpregister.views import ChildObjectEditView, ObjectDetailView, ObjectEditView, ObjectListView, attempt

from . import filters, forms, tables
from .choices import CaseStatus
from .models import (
    AccessLogRequest,
    LogControlPlan,
    LogReview,
    StaffCase,
    StaffCaseStep,
    close_case,
    open_case,
    register_breach,
)


class LogControlPlanListView(ObjectListView):
    queryset = LogControlPlan.objects.select_related("organisation", "responsible")
    table_class = tables.LogControlPlanTable
    filterset_class = filters.LogControlPlanFilterSet
    template_name = "logcontrol/list.html"


class LogControlPlanView(ObjectDetailView):
    model = LogControlPlan
    queryset = LogControlPlan.objects.select_related("organisation", "responsible")
    fields = [
        "name",
        "organisation",
        "kind",
        "target",
        "method",
        "every_months",
        "responsible",
        "next_due",
        "is_active",
    ]
    record_children = {gettext_lazy("Reviews"): "reviews"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reviews"] = self.object.reviews.select_related("reviewer")[:50]
        return ctx


class LogControlPlanEditView(ObjectEditView):
    model = LogControlPlan
    form_class = forms.LogControlPlanForm


class LogReviewListView(ObjectListView):
    queryset = LogReview.objects.select_related("organisation", "reviewer")
    table_class = tables.LogReviewTable
    filterset_class = filters.LogReviewFilterSet
    template_name = "logcontrol/list.html"


class LogReviewView(ObjectDetailView):
    model = LogReview
    queryset = LogReview.objects.select_related("organisation", "plan", "reviewer")
    fields = forms.LogReviewForm.Meta.fields
    record_children = {gettext_lazy("Staff follow-up cases"): "cases"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cases"] = self.object.cases.all()
        return ctx


class LogReviewEditView(ObjectEditView):
    """A review; from a plan (``?plan=``) it starts with the plan's organisation, kind, target and method."""

    model = LogReview
    form_class = forms.LogReviewForm

    def get_initial(self):
        initial = super().get_initial()
        plan_id = object_id(self.request.GET.get("plan", ""))
        plan = LogControlPlan.objects.visible_to(self.request.user).filter(pk=plan_id).first() if plan_id else None
        if plan is not None:
            initial.update(
                plan=plan, organisation=plan.organisation, kind=plan.kind, target=plan.target, method=plan.method
            )
        initial.setdefault("reviewer", self.request.user)
        return initial


class StaffCaseListView(ObjectListView):
    queryset = StaffCase.objects.select_related("organisation", "incident")
    table_class = tables.StaffCaseTable
    filterset_class = filters.StaffCaseFilterSet
    template_name = "logcontrol/list.html"


class StaffCaseView(ObjectDetailView):
    model = StaffCase
    queryset = StaffCase.objects.select_related("organisation", "review", "incident", "created_by", "closed_by")
    fields = [
        "organisation",
        "review",
        "employee",
        "summary",
        "confirmed_at",
        "breach_decision",
        "breach_rationale",
        "incident",
        "outcome",
        "status",
        "closed_at",
        "closed_by",
        "created_by",
    ]
    record_children = {gettext_lazy("Steps"): "steps"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case = self.object
        ctx["steps"] = case.steps.select_related("owner")
        ctx["is_open"] = is_open = case.status == CaseStatus.OPEN
        ctx["missing"] = case.open_steps() if is_open else []
        ctx["can_edit"] = ctx["can_edit"] and is_open
        return ctx


class StaffCaseEditView(ObjectEditView):
    """Edit a case's findings, breach decision and outcome. New cases are opened from a review."""

    model = StaffCase
    form_class = forms.StaffCaseForm

    def get_object(self, queryset=None):
        case = super().get_object(queryset)
        if case is not None and case.status != CaseStatus.OPEN:
            raise PermissionDenied(_("The case is closed."))
        return case


def staffcase_open(request, pk):
    """Open a staff follow-up case from a review's suspected look-up."""
    review = get_object_or_404(LogReview.objects.visible_to(request.user), pk=pk)
    if not Access.for_user(request.user).can_edit(review):
        raise PermissionDenied
    form = forms.StaffCaseForm(
        request.POST or None,
        user=request.user,
        initial={"organisation": review.organisation, "confirmed_at": timezone.now()},
    )
    for name in ("breach_decision", "breach_rationale", "outcome"):
        del form.fields[name]  # decided later, step by step
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = open_case(
            organisation=data["organisation"],
            employee=data["employee"],
            summary=data["summary"],
            confirmed_at=data["confirmed_at"],
            user=request.user,
            review=review,
        )
        messages.success(request, _("The staff follow-up case is open, with its steps and deadlines."))
        return redirect(case)
    return render(
        request,
        "generic/object_edit.html",
        {
            "form": form,
            "title": _("Open a staff follow-up case"),
            "cancel_url": review.get_absolute_url(),
        },
    )


def _editable_case(request, pk):
    case = get_object_or_404(StaffCase.objects.visible_to(request.user), pk=pk)
    if not Access.for_user(request.user).can_edit(case):
        raise PermissionDenied
    return case


def staffcase_register_breach(request, pk):
    """Confirm, then create the incident from the case: its awareness is when the access was confirmed."""
    case = _editable_case(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            incident = register_breach(case=case, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(case)
        messages.success(
            request, _("The breach %(reference)s is registered: complete it and notify.") % {"reference": incident}
        )
        return redirect("incidents:incident_edit", pk=incident.pk)
    return render(
        request,
        "logcontrol/confirm.html",
        {
            "title": _("Register %(case)s as a personal-data breach") % {"case": case},
            "case": case,
            "text": _(
                "An incident is created from the case. The controller became aware when the review confirmed "
                "the look-up, so the 72-hour clock to Datatilsynet runs from then."
            ),
            "button": _("Register the breach"),
        },
    )


def staffcase_close(request, pk):
    case = _editable_case(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":

        def close():
            close_case(case=StaffCase.objects.select_for_update().get(pk=case.pk), user=request.user)

        attempt(request, close, _("The case is closed."))
        return redirect(case)
    return render(
        request,
        "logcontrol/confirm.html",
        {
            "title": _("Close %(case)s") % {"case": case},
            "case": case,
            "missing": case.open_steps(),
            "text": _("A closed case stays in the register with its history."),
            "button": _("Close the case"),
        },
    )


class StaffCaseStepEditView(ChildObjectEditView):
    model = StaffCaseStep
    form_class = forms.StaffCaseStepForm
    parent_model = StaffCase
    parent_field = "case"

    def get_form_kwargs(self):
        if self.parent.status != CaseStatus.OPEN:
            raise PermissionDenied(_("The case is closed."))
        return super().get_form_kwargs()


class AccessLogRequestListView(ObjectListView):
    queryset = AccessLogRequest.objects.select_related("organisation", "owner")
    table_class = tables.AccessLogRequestTable
    filterset_class = filters.AccessLogRequestFilterSet
    template_name = "logcontrol/accesslogrequest_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # The share answered on time, over the filtered requests that are answered: one aggregate.
        answered = self.object_list.filter(answered_on__isnull=False).order_by()
        figures = answered.aggregate(n=Count("pk"), on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))))
        ctx["answered"] = figures["n"]
        ctx["on_time"] = figures["on_time"]
        ctx["on_time_share"] = round(100 * figures["on_time"] / figures["n"]) if figures["n"] else None
        return ctx


class AccessLogRequestView(ObjectDetailView):
    model = AccessLogRequest
    queryset = AccessLogRequest.objects.select_related("organisation", "owner")
    fields = [
        "reference",
        "organisation",
        "received_on",
        "owner",
        "due_on",
        "extended_until",
        "extension_reason",
        "extension_notified_on",
        "answered_on",
    ]


class AccessLogRequestEditView(ObjectEditView):
    model = AccessLogRequest
    form_class = forms.AccessLogRequestForm

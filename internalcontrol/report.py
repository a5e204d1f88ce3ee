"""The data protection officer's annual report, written by the register from its own records.

For a year and one or more organisations: breaches (by category and month, notified or not, on time or
late, time to notify, recurrences), measures, log control, the top-10 development and acceptances, duty and
gap status, sub-processor changes, and DPIAs with prior consultations; each figure beside the year before.
The published counts loaded as reference data (``BreachCount``) stand beside the register's own.

Every figure is one aggregate query over the year's rows, scoped to what the reader may see.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django import forms
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance.choices import AssessmentStatus, GapStatus, NoticeChange, NoticeDecision
from compliance.models import Assessment, Gap, SubProcessorNotice
from hpregister.choices import MeasureStatus
from hpregister.forms import StyledFormMixin
from hpregister.measures import measure_models
from hpregister.models import Organisation
from hpregister.pdf import pdf_response
from hpregister.timeutils import OSLO
from incidents.choices import IncidentCategory, IncidentStatus
from incidents.models import BreachCount, Incident
from logcontrol.models import AccessLogRequest, LogControlPlan, LogReview
from risks.models import PeriodEntry, ReportingPeriod, RiskAcceptance

from .choices import ConsultationOutcome, DpiaStatus
from .models import Dpia

NOTIFY_WITHIN = dt.timedelta(hours=72)
FIRST_YEAR = 2000


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The year's first and last instant as Oslo counts them, as aware datetimes (stored as UTC)."""
    return dt.datetime(year, 1, 1, tzinfo=OSLO), dt.datetime(year + 1, 1, 1, tzinfo=OSLO)


@dataclass
class Figures:
    """One year's figures for the chosen organisations."""

    year: int
    breaches: int = 0
    by_category: dict = field(default_factory=dict)
    by_month: list = field(default_factory=list)
    notified: int = 0
    notified_on_time: int = 0
    notified_late: int = 0
    not_notified: int = 0
    median_hours_to_notify: float | None = None
    recurrences: int = 0
    published: dict = field(default_factory=dict)
    published_note: str = ""
    measures_opened: int = 0
    measures_closed: int = 0
    measures_overdue: int = 0
    measures_ineffective: int = 0
    reviews_done: int = 0
    reviews_planned: int = 0
    requests: int = 0
    requests_on_time: int = 0
    requests_late: int = 0
    periods: list = field(default_factory=list)
    acceptances: int = 0
    duties: dict = field(default_factory=dict)
    gaps_open: int = 0
    gaps_closed: int = 0
    notices: dict = field(default_factory=dict)
    dpias_completed: int = 0
    consultations_sent: int = 0
    consultation_outcomes: dict = field(default_factory=dict)


def incidents_of(user, organisations, year):
    start, end = year_bounds(year)
    return (
        Incident.objects.visible_to(user)
        .filter(aware_at__gte=start, aware_at__lt=end, organisations__in=organisations)
        .exclude(status=IncidentStatus.WITHDRAWN)
        .distinct()
    )


def breach_figures(figures: Figures, user, organisations) -> None:
    year = figures.year
    incidents = incidents_of(user, organisations, year)
    ids = Incident.objects.filter(pk__in=incidents.values("pk"))  # one row per breach, however many organisations
    figures.breaches = ids.count()
    labels = dict(IncidentCategory.choices)
    figures.by_category = {
        labels.get(row["category"], row["category"]): row["n"]
        for row in ids.order_by().values("category").annotate(n=Count("pk")).order_by("-n", "category")
    }
    months = dict(
        ids.order_by()
        .annotate(month=ExtractMonth("aware_at", tzinfo=OSLO))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    figures.by_month = [months.get(m, 0) for m in range(1, 13)]
    notified = list(ids.filter(first_notified_at__isnull=False).values_list("aware_at", "first_notified_at"))
    figures.notified = len(notified)
    figures.notified_on_time = sum(1 for aware, sent in notified if sent - aware <= NOTIFY_WITHIN)
    figures.notified_late = figures.notified - figures.notified_on_time
    figures.not_notified = figures.breaches - figures.notified
    if notified:
        hours = [(sent - aware).total_seconds() / 3600 for aware, sent in notified]
        figures.median_hours_to_notify = round(statistics.median(hours), 1)
    figures.recurrences = ids.filter(recurrence_of__isnull=False).distinct().count()
    published = BreachCount.objects.filter(year=year).order_by("category")
    figures.published = {row.get_category_display(): row.count for row in published}
    figures.published_note = next((row.period_note for row in published if row.period_note), "")


def measure_figures(figures: Figures, user, organisations) -> None:
    start, end = year_bounds(figures.year)
    first, last = start.date(), (end - dt.timedelta(days=1)).date()
    today = timezone.localdate()
    for model in measure_models():
        path = model.organisation_path
        mine = model.objects.visible_to(user).filter(**{f"{path}__in": organisations}).distinct()
        added = model.history.filter(history_type="+", history_date__gte=start, history_date__lt=end).values("id")
        figures.measures_opened += mine.filter(pk__in=added).count()
        figures.measures_closed += mine.filter(done_on__gte=first, done_on__lte=last).count()
        # Due in the year (up to yesterday) and not done by the due date; cancelled ones do not count.
        due = mine.filter(due_on__gte=first, due_on__lte=min(last, today - dt.timedelta(days=1)))
        figures.measures_overdue += (
            due.exclude(status=MeasureStatus.CANCELLED).filter(Q(done_on__isnull=True) | Q(done_on__gt=F("due_on")))
        ).count()
        figures.measures_ineffective += mine.filter(
            effective=False, effect_checked_on__gte=first, effect_checked_on__lte=last
        ).count()


def log_figures(figures: Figures, user, organisations) -> None:
    year = figures.year
    reviews = LogReview.objects.visible_to(user).filter(organisation__in=organisations, reviewed_on__year=year)
    figures.reviews_done = reviews.count()
    plans = LogControlPlan.objects.visible_to(user).filter(organisation__in=organisations, is_active=True)
    figures.reviews_planned = sum(max(1, 12 // every) for every in plans.values_list("every_months", flat=True))
    requests = AccessLogRequest.objects.visible_to(user).filter(organisation__in=organisations, received_on__year=year)
    figures.requests = requests.count()
    answered = requests.filter(answered_on__isnull=False)
    figures.requests_on_time = answered.filter(answered_on__lte=F("due_on")).count()
    figures.requests_late = figures.requests - figures.requests_on_time


def risk_figures(figures: Figures, user, organisations) -> None:
    year = figures.year
    periods = list(
        ReportingPeriod.objects.visible_to(user)
        .filter(organisation__in=organisations, ends_on__year=year)
        .select_related("organisation")
        .order_by("organisation__name", "ends_on")
    )
    # Each period's predecessor (its organisation's latest period ending before it starts), from one query
    # over those organisations' periods, and every entry of both from one more: not two queries a period.
    earlier = list(
        ReportingPeriod.objects.filter(organisation__in={p.organisation_id for p in periods})
        .only("id", "organisation_id", "ends_on")
        .order_by("ends_on")
    )
    before = {}
    for period in periods:
        candidates = [
            e.pk for e in earlier if e.organisation_id == period.organisation_id and e.ends_on < period.starts_on
        ]
        before[period.pk] = candidates[-1] if candidates else None
    risks = {}
    ids = {p.pk for p in periods} | {pk for pk in before.values() if pk}
    for period_id, risk_id in PeriodEntry.objects.filter(period__in=ids).values_list("period_id", "risk_id"):
        risks.setdefault(period_id, set()).add(risk_id)
    for period in periods:
        current, previous_id = risks.get(period.pk, set()), before[period.pk]
        previous = risks.get(previous_id, set())
        figures.periods.append(
            {
                "period": period,
                "entries": len(current),
                "new": len(current - previous) if previous_id else None,
                "dropped": len(previous - current) if previous_id else None,
            }
        )
    start, end = year_bounds(year)
    figures.acceptances = (
        RiskAcceptance.objects.visible_to(user)
        .filter(risk__organisation__in=organisations, accepted_at__gte=start, accepted_at__lt=end)
        .count()
    )


def compliance_figures(figures: Figures, user, organisations) -> None:
    year = figures.year
    labels = dict(AssessmentStatus.choices)
    assessments = Assessment.objects.visible_to(user).filter(
        organisation__in=organisations, obligation__instrument__superseded_by=None
    )
    counts = dict(assessments.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    figures.duties = {labels[status]: counts.get(status, 0) for status in AssessmentStatus.values}
    gaps = Gap.objects.visible_to(user).filter(organisation__in=organisations)
    figures.gaps_open = gaps.exclude(status=GapStatus.CLOSED).count()
    figures.gaps_closed = gaps.filter(status=GapStatus.CLOSED, status_date__year=year).count()
    notices = SubProcessorNotice.objects.visible_to(user).filter(received_on__year=year)
    figures.notices = {
        "added": notices.filter(change=NoticeChange.ADDED).count(),
        "replaced": notices.filter(change=NoticeChange.REPLACED).count(),
        "objected": notices.filter(decision=NoticeDecision.OBJECTED).count(),
        "pending": notices.filter(decision=NoticeDecision.PENDING).count(),
    }


def dpia_figures(figures: Figures, user, organisations) -> None:
    year = figures.year
    dpias = Dpia.objects.visible_to(user).filter(organisation__in=organisations)
    figures.dpias_completed = dpias.filter(status=DpiaStatus.COMPLETED, completed_on__year=year).count()
    figures.consultations_sent = dpias.filter(consultation_sent_on__year=year).count()
    labels = dict(ConsultationOutcome.choices)
    figures.consultation_outcomes = {
        labels[row["consultation_outcome"]]: row["n"]
        for row in dpias.filter(consultation_answered_on__year=year)
        .exclude(consultation_outcome="")
        .order_by()
        .values("consultation_outcome")
        .annotate(n=Count("pk"))
    }


def figures_for(user, organisations, year: int) -> Figures:
    figures = Figures(year=year)
    for part in (breach_figures, measure_figures, log_figures, risk_figures, compliance_figures, dpia_figures):
        part(figures, user, organisations)
    return figures


class ReportForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR)
    organisations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=gettext_lazy("None chosen: every organisation you can see."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.visible_to(user)
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["year"].widget.attrs["max"] = timezone.localdate().year

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("The year has not begun yet."))
        return year


def report_context(request) -> dict:
    last_year = timezone.localdate().year - 1
    data = request.GET if "year" in request.GET else {"year": last_year}
    form = ReportForm(data, user=request.user)
    context = {"title": _("The data protection officer's annual report"), "form": form, "report": None}
    if not form.is_valid():
        return context
    year = form.cleaned_data["year"]
    chosen = list(form.cleaned_data["organisations"]) or list(Organisation.objects.visible_to(request.user))
    current = figures_for(request.user, chosen, year)
    previous = figures_for(request.user, chosen, year - 1)
    context.update(
        {
            "title": _("The data protection officer's annual report %(year)s") % {"year": year},
            "year": year,
            "organisations": chosen,
            "all_organisations": not form.cleaned_data["organisations"],
            "report": current,
            "previous": previous,
            "rows": comparison_rows(current, previous),
            "months": months_table(current, previous),
            "query": request.GET.urlencode() or f"year={year}",
        }
    )
    return context


def comparison_rows(current: Figures, previous: Figures) -> list[tuple]:
    """(section, [(label, this year, the year before)]) for the report's comparison tables."""

    def pair(name):
        return getattr(current, name), getattr(previous, name)

    def keyed(name):
        keys = list(dict.fromkeys([*getattr(current, name), *getattr(previous, name)]))
        return [(key, getattr(current, name).get(key, 0), getattr(previous, name).get(key, 0)) for key in keys]

    return [
        (
            _("Breaches"),
            [
                (_("Breaches registered"), *pair("breaches")),
                (_("Notified to Datatilsynet"), *pair("notified")),
                (_("of which within 72 hours"), *pair("notified_on_time")),
                (_("of which late"), *pair("notified_late")),
                (_("Not notified"), *pair("not_notified")),
                (_("Median hours to notify"), *pair("median_hours_to_notify")),
                (_("Recurrences of an earlier breach"), *pair("recurrences")),
            ],
        ),
        (_("Breaches by category"), keyed("by_category")),
        (_("Reported to Datatilsynet, published figures (reference data)"), keyed("published")),
        (
            _("Measures"),
            [
                (_("Opened"), *pair("measures_opened")),
                (_("Done"), *pair("measures_closed")),
                (_("Not done by their due date"), *pair("measures_overdue")),
                (_("Shown not to work"), *pair("measures_ineffective")),
            ],
        ),
        (
            _("Log control"),
            [
                (_("Log reviews done"), *pair("reviews_done")),
                (_("Log reviews planned (active plans)"), *pair("reviews_planned")),
                (_("Requests for the access log"), *pair("requests")),
                (_("answered on time"), *pair("requests_on_time")),
                (_("late or unanswered"), *pair("requests_late")),
            ],
        ),
        (_("Risks"), [(_("Risk acceptances"), *pair("acceptances"))]),
        (
            _("Sub-processors"),
            [
                (_("Notices of an added sub-processor"), current.notices["added"], previous.notices["added"]),
                (_("Notices of a replaced sub-processor"), current.notices["replaced"], previous.notices["replaced"]),
                (_("Objections"), current.notices["objected"], previous.notices["objected"]),
                (_("Still pending"), current.notices["pending"], previous.notices["pending"]),
            ],
        ),
        (
            _("DPIAs and prior consultations"),
            [
                (_("DPIAs completed"), *pair("dpias_completed")),
                (_("Prior consultations sent"), *pair("consultations_sent")),
                *[(label, *counts) for label, *counts in keyed("consultation_outcomes")],
            ],
        ),
        (_("Gaps"), [(_("Closed in the year"), *pair("gaps_closed"))]),
    ]


def months_table(current: Figures, previous: Figures) -> list[tuple]:
    names = [capfirst(MONTHS_3[m]) for m in range(1, 13)]
    return list(zip(names, current.by_month, previous.by_month, strict=True))


def annual_report(request):
    return render(request, "internalcontrol/annual_report.html", report_context(request))


def annual_report_pdf(request):
    context = report_context(request)
    if context["report"] is None:
        return render(request, "internalcontrol/annual_report.html", context, status=400)
    filename = slugify(f"arsrapport-personvernombud-{context['year']}")
    return pdf_response(request, "internalcontrol/annual_report_pdf.html", context, filename)

"""The figures a manager asks for first: are breaches notified within 72 hours, how long does notifying
take, how many measures are overdue, and how many breaches are there per month and per organisation.

Each figure comes with the list behind it (an incident-list URL with the same filters). The window is the
last twelve months; every figure is one or two aggregate queries over the user's incidents.
"""

from __future__ import annotations

import datetime as dt
import statistics
from urllib.parse import urlencode

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from hpregister.timeutils import OSLO

from .choices import IncidentStatus, RiskLevel
from .models import NOTIFICATION_HOURS, Incident, IncidentMeasure, IncidentOrganisation

WINDOW_MONTHS = 12


def list_url(**filters) -> str:
    return reverse("incidents:incident_list") + "?" + urlencode(filters, doseq=True)


def month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def percentile(values: list, fraction: float):
    """The nearest-rank percentile (what a spreadsheet's PERCENTILE.INC gives for these sizes)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def breach_kpis(user, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localtime(now, OSLO).date()
    first_month = month_start(today, WINDOW_MONTHS - 1)
    since = dt.datetime.combine(first_month, dt.time(), tzinfo=OSLO)
    window = {"aware_after": first_month.isoformat()}
    incidents = Incident.objects.visible_to(user).exclude(status=IncidentStatus.WITHDRAWN).filter(aware_at__gte=since)

    # Notifiable, and decided: notified, or the 72 hours are over (a running clock is not late yet).
    limit = dt.timedelta(hours=NOTIFICATION_HOURS)
    notifiable = incidents.exclude(risk_level=RiskLevel.UNLIKELY)
    decided = notifiable.filter(Q(first_notified_at__isnull=False) | Q(aware_at__lte=now - limit))
    counts = decided.aggregate(
        total=Count("pk"), on_time=Count("pk", filter=Q(first_notified_at__lte=F("aware_at") + limit))
    )
    delays = [
        delay
        for delay in decided.filter(first_notified_at__isnull=False)
        .annotate(delay=ExpressionWrapper(F("first_notified_at") - F("aware_at"), output_field=DurationField()))
        .values_list("delay", flat=True)
        if delay is not None
    ]
    share = round(100 * counts["on_time"] / counts["total"]) if counts["total"] else None

    overdue_measures = (
        IncidentMeasure.objects.visible_to(user).overdue(today).exclude(incident__status__in=[IncidentStatus.WITHDRAWN])
    ).count()

    by_month = dict(
        incidents.annotate(month=TruncMonth("aware_at", tzinfo=OSLO))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    months = []
    for back in range(WINDOW_MONTHS - 1, -1, -1):
        start = month_start(today, back)
        end = month_start(today, back - 1) - dt.timedelta(days=1)
        count = next((n for month, n in by_month.items() if _as_date(month) == start), 0)
        months.append(
            {
                "month": start,
                "count": count,
                "url": list_url(aware_after=start.isoformat(), aware_before=end.isoformat()),
            }
        )
    recent = sum(m["count"] for m in months[-3:])
    earlier = sum(m["count"] for m in months[-6:-3])
    trend = None if not earlier else round(100 * (recent - earlier) / earlier)
    peak = max([m["count"] for m in months] + [1])
    for m in months:
        m["height"] = round(100 * m["count"] / peak)

    by_organisation = (
        IncidentOrganisation.objects.filter(incident__in=incidents)
        .values("organisation_id", "organisation__name")
        .annotate(n=Count("incident", distinct=True))
        .order_by("-n", "organisation__name")[:10]
    )
    return {
        "since": first_month,
        "notified_total": counts["total"],
        "notified_on_time": counts["on_time"],
        "on_time_share": share,
        "on_time_url": list_url(notified="on_time", **window),
        "late_url": list_url(notified="late", **window),
        "median_delay": statistics.median(delays) if delays else None,
        "p90_delay": percentile(delays, 0.9),
        "delays_url": list_url(notified=["on_time", "late"], **window),
        "overdue_measures": overdue_measures,
        "overdue_measures_url": list_url(clock="measures_overdue"),
        "months": months,
        "recent": recent,
        "recent_url": list_url(aware_after=months[-3]["month"].isoformat()),
        "earlier": earlier,
        "trend": trend,
        "organisations": [
            {
                "name": row["organisation__name"],
                "count": row["n"],
                "url": list_url(organisation=row["organisation_id"], **window),
            }
            for row in by_organisation
        ],
    }


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, OSLO).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value

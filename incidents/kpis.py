"""The figures a manager asks for first: are breaches notified within 72 hours, how long does notifying
take, how many measures are overdue, and how many breaches are there per month and per organisation.

Each figure comes with the list behind it (an incident-list URL with the same filters). The window is the
last twelve months; every figure is one or two aggregate queries over the user's incidents.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, FloatField, Func, Q
from django.urls import reverse
from django.utils import timezone

from hpregister.access import Access
from hpregister.timeutils import OSLO

from .choices import IncidentStatus, RiskLevel
from .models import NOTIFICATION_HOURS, Incident, IncidentMeasure, IncidentOrganisation

WINDOW_MONTHS = 12


class SecondsBetween(Func):
    """Seconds from one instant to another, computed by the database itself (no function call per row)."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, template=None, **extra):
        later, earlier = self.source_expressions
        later_sql, later_params = compiler.compile(later)
        earlier_sql, earlier_params = compiler.compile(earlier)
        if connection.vendor == "sqlite":
            sql = f"((julianday({later_sql}) - julianday({earlier_sql})) * 86400.0)"
        else:
            sql = f"EXTRACT(EPOCH FROM ({later_sql} - {earlier_sql}))"
        return sql, (*later_params, *earlier_params)


def list_url(**filters) -> str:
    return reverse("incidents:incident_list") + "?" + urlencode(filters, doseq=True)


def month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def rank_index(count: int, fraction: float) -> int:
    """Where the nearest-rank percentile sits among ``count`` sorted values."""
    return min(count - 1, max(0, round(fraction * (count - 1))))


def percentile(values: list, fraction: float):
    """The nearest-rank percentile of a list (the key figures read the same rank from the database)."""
    return sorted(values)[rank_index(len(values), fraction)] if values else None


CACHE_SECONDS = 300


def cached_for_scope(name: str, user, compute):
    """``compute()`` for what ``user`` can see, at most five minutes old: users who see the same organisations
    share it (figures that read every breach of a year are not work for every page view)."""
    access = Access.for_user(user)
    scope = "all" if access.sees_all else ",".join(map(str, sorted(access.organisation_ids))) or "none"
    key = f"hpregister:{name}:{scope}:{timezone.localdate().isoformat()}"
    return cache.get_or_set(key, compute, CACHE_SECONDS)


def breach_kpis(user, now: dt.datetime | None = None) -> dict:
    if now is not None:
        return compute_kpis(user, now)
    return cached_for_scope("kpis", user, lambda: compute_kpis(user, timezone.now()))


def compute_kpis(user, now: dt.datetime) -> dict:
    today = timezone.localtime(now, OSLO).date()
    first_month = month_start(today, WINDOW_MONTHS - 1)
    since = dt.datetime.combine(first_month, dt.time(), tzinfo=OSLO)
    window = {"aware_after": first_month.isoformat()}
    incidents = Incident.objects.visible_to(user).exclude(status=IncidentStatus.WITHDRAWN).filter(aware_at__gte=since)

    # Notifiable, and decided: notified, or the 72 hours are over (a running clock is not late yet).
    limit = dt.timedelta(hours=NOTIFICATION_HOURS)
    notifiable = incidents.exclude(risk_level=RiskLevel.UNLIKELY)
    decided = notifiable.filter(Q(first_notified_at__isnull=False) | Q(aware_at__lte=now - limit))
    notified = decided.filter(first_notified_at__isnull=False).annotate(
        seconds=SecondsBetween("first_notified_at", "aware_at")
    )
    counts = decided.aggregate(total=Count("pk"))
    counts.update(
        notified.aggregate(notified=Count("pk"), on_time=Count("pk", filter=Q(seconds__lte=limit.total_seconds())))
    )
    share = round(100 * counts["on_time"] / counts["total"]) if counts["total"] else None
    ordered = notified.order_by("seconds").values_list("seconds", flat=True)

    def nth(fraction):
        """The nearest-rank percentile, read by the database (sorted there; one row comes back)."""
        if not counts["notified"]:
            return None
        seconds = ordered[rank_index(counts["notified"], fraction)]
        return dt.timedelta(seconds=round(seconds))

    overdue_measures = (
        IncidentMeasure.objects.visible_to(user).overdue(today).exclude(incident__status__in=[IncidentStatus.WITHDRAWN])
    ).count()

    # Twelve range counts in one aggregate: plain comparisons on the indexed column, no function per row.
    bounds = [month_start(today, back) for back in range(WINDOW_MONTHS - 1, -2, -1)]
    instants = [dt.datetime.combine(day, dt.time(), tzinfo=OSLO) for day in bounds]
    per_month = incidents.aggregate(
        **{
            f"m{index}": Count("pk", filter=Q(aware_at__gte=instants[index], aware_at__lt=instants[index + 1]))
            for index in range(WINDOW_MONTHS)
        }
    )
    months = []
    for index in range(WINDOW_MONTHS):
        start, end = bounds[index], bounds[index + 1] - dt.timedelta(days=1)
        months.append(
            {
                "month": start,
                "count": per_month[f"m{index}"],
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
        "median_delay": nth(0.5),
        "p90_delay": nth(0.9),
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

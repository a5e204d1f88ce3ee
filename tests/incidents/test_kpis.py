"""Manager key figures on the dashboard and the statistics page, each linking to the rows behind it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.choices import RiskLevel
from incidents.kpis import breach_kpis, percentile
from tests.factories import assessed, make_incident, measure, notify

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - dt.timedelta(**kwargs)


@pytest.fixture
def breaches():
    """Four notifiable breaches of St. Olavs in the last weeks: two notified in time (10 h, 30 h), one late
    (100 h), one overdue and not notified; and one not notifiable (unlikely risk)."""
    made = []
    for hours in (10, 30, 100):
        at = ago(days=20)
        incident = assessed(make_incident(aware_at=at, discovered_at=at))
        late = {"delay_reason": "Helg og ferie."} if hours > 72 else {}
        notify(incident, at + dt.timedelta(hours=hours), **late)
        made.append(incident)
    at = ago(days=10)
    made.append(assessed(make_incident(aware_at=at, discovered_at=at)))
    at = ago(days=5)
    assessed(make_incident(aware_at=at, discovered_at=at), RiskLevel.UNLIKELY)
    overdue = measure(made[0], due_on=timezone.localdate() - dt.timedelta(days=2))
    return made, overdue


def test_the_key_figures_count_what_they_say(bob, breaches):
    kpis = breach_kpis(bob)
    assert (kpis["notified_on_time"], kpis["notified_total"], kpis["on_time_share"]) == (2, 4, 50)
    assert kpis["median_delay"] == dt.timedelta(hours=30)
    assert kpis["p90_delay"] == dt.timedelta(hours=100)
    assert kpis["overdue_measures"] == 1
    assert sum(m["count"] for m in kpis["months"]) == 5 and len(kpis["months"]) == 12
    assert kpis["organisations"][0]["name"] == "St. Olavs hospital HF" and kpis["organisations"][0]["count"] == 5


def test_each_figure_links_to_the_rows_behind_it(login, bob, breaches):
    made, overdue = breaches
    client = login(bob)
    kpis = breach_kpis(bob)

    def listed(url):
        return {row.record for row in client.get(url).context["table"].page.object_list}

    assert listed(kpis["on_time_url"]) == {made[0], made[1]}
    assert listed(kpis["late_url"]) == {made[2]}
    assert listed(kpis["overdue_measures_url"]) == {overdue.incident}
    this_month = kpis["months"][-1]
    assert len(listed(this_month["url"])) == this_month["count"]


def test_the_figures_are_on_the_dashboard_and_the_statistics_page_and_scoped(login, bob, carol, breaches):
    for url in (reverse("dashboard"), reverse("incidents:statistics")):
        html = login(bob).get(url).content.decode()
        assert 'id="kpi-heading"' in html and "50 %" in html
    assert breach_kpis(carol)["notified_total"] == 0  # Melhus sees none of St. Olavs' breaches


def test_percentile_is_the_nearest_rank():
    assert percentile([], 0.9) is None
    assert percentile([5], 0.9) == 5
    assert percentile(list(range(1, 11)), 0.9) == 9


def test_the_figures_are_computed_once_per_scope_and_five_minutes(bob, mona, breaches, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    breach_kpis(bob)
    fresh = get_user_model().objects.get(pk=bob.pk)  # a new request's user
    with django_assert_num_queries(1):  # the user's memberships; the figures come from the cache
        again = breach_kpis(fresh)
    assert again["notified_total"] == 4
    assert breach_kpis(mona)["notified_total"] == 4  # mona sees St. Olavs too, and more: her own scope

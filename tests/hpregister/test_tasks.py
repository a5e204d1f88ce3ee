"""My tasks (issue "A register that privacy officers … would choose to use", item 2, through the one-way
kernel's task-source registry): one page and a dashboard panel with everything due for me across
incidents, measures, risks, duties, gaps and notices, by deadline with the overdue first, each with a link
to act, scoped to me."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from compliance.choices import GapKind
from compliance.models import Gap, GapAction, SubProcessorNotice
from hpregister.inbox import my_tasks
from hpregister.registry import task_sources
from hpregister.reminders import REGISTRY
from incidents.choices import RiskLevel
from risks.models import Risk, RiskMeasure
from tests.factories import assessed, make_incident, measure

pytestmark = pytest.mark.django_db


def today(days=0):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def stolav(org):
    return org("St. Olavs hospital HF")


@pytest.fixture
def work(stolav, mona):
    """St. Olavs' work: a 72-hour clock three days overdue, an unowned breach measure due yesterday, a
    risk review in ten days, a risk measure that mona owns, and a remediation action due in 20 days."""
    clock = assessed(make_incident(aware_at=timezone.now() - dt.timedelta(days=6), title="Snooping in a ward"))
    lost_letter = make_incident(title="Lost letter", aware_at=timezone.now() - dt.timedelta(days=10))
    assessed(lost_letter, RiskLevel.UNLIKELY)  # no notification due: only its measure is a task
    breach_measure = measure(lost_letter, due_on=today(-1), description="Call the patient")
    risk = Risk.objects.create(title="Shared log-ins on the ward", organisation=stolav, next_review=today(10))
    owned = RiskMeasure.objects.create(risk=risk, description="Personal cards", owner=mona, due_on=today(5))
    gap = Gap.objects.create(code="STO-T1", kind=GapKind.FINDING, title="Log review", organisation=stolav)
    action = GapAction.objects.create(gap=gap, description="Plan log reviews", due_on=today(20))
    return {"clock": clock, "measure": breach_measure, "risk": risk, "owned": owned, "action": action}


def titles(user, **kwargs):
    return [task.title for task in my_tasks(user, **kwargs).tasks]


def test_every_kind_of_deadline_is_a_task_too():
    """Whatever the engine reminds of is on someone's task list: a kind without a source would be a reminder
    nobody can find again."""
    assert set(REGISTRY) <= {source.name for source in task_sources}


def test_my_tasks_are_sorted_by_deadline_with_the_overdue_first(login, bob, work):
    page = login(bob).get(reverse("my_tasks"))
    assert page.status_code == 200
    inbox = page.context["inbox"]
    mine = [t for t in inbox.tasks if t.title.startswith(("AVVIK", "Shared", "STO-T1"))]
    assert [t.title for t in mine] == [
        str(work["clock"]),  # 72 hours passed three days ago
        f"{work['measure'].incident.reference}: Call the patient",  # due yesterday
        str(work["risk"]),  # review in 10 days (mona's measure in 5 days is hers, not bob's)
        "STO-T1: Plan log reviews",  # in 20 days
    ]
    assert [t.overdue for t in mine] == [True, True, False, False]
    assert [t.deadline for t in inbox.tasks] == sorted(t.deadline for t in inbox.tasks)
    # Each row links to the form that does the task, where bob may use it.
    assert mine[1].act_url == reverse(
        "incidents:incidentmeasure_edit", args=[work["measure"].incident_id, work["measure"].pk]
    )
    assert mine[2].act_url == reverse("risks:risk_edit", args=[work["risk"].pk])
    assert mine[0].url == work["clock"].get_absolute_url()
    html = page.content.decode()
    assert str(work["clock"]) in html and "Call the patient" in html


def test_a_measure_that_someone_owns_is_theirs_and_goes_back_to_the_privacy_officers_when_they_leave(bob, mona, work):
    owned = f"{work['risk']}: {work['owned']}"
    assert owned in titles(mona) and owned not in titles(bob)
    # mona may not edit (a manager): her task shows the record, not a form that would refuse her.
    [task] = [t for t in my_tasks(mona).tasks if t.title == owned]
    assert task.act_url is None and task.url == work["owned"].get_absolute_url()
    mona.is_active = False
    mona.save()
    assert owned in titles(bob)


def test_tasks_are_scoped_to_the_organisations_where_i_am_privacy_officer(alice, carol, nina, mona, work):
    assert not [t for t in titles(carol) if "Snooping" in t or "Call the patient" in t]
    assert titles(nina) == []
    # Mona owns one measure and is privacy officer nowhere: nothing else of St. Olavs is hers.
    assert [t for t in titles(mona) if "Shared log-ins" in t] == [f"{work['risk']}: {work['owned']}"]
    # The operator's privacy officer gets every running 72-hour clock (as the reminder does) and the
    # register-wide notices, but not another organisation's unowned measure.
    notice = SubProcessorNotice.objects.create(
        change="added", name="Cloud AB", received_on=today(-10), objection_deadline=today(3)
    )
    alice_titles = titles(alice)
    assert str(work["clock"]) in alice_titles and str(notice) in alice_titles
    assert not [t for t in alice_titles if "Call the patient" in t]
    assert str(notice) not in titles(carol)


def test_the_horizon_and_kind_filters(login, bob, work):
    work["risk"].next_review = today(60)
    work["risk"].save()
    assert str(work["risk"]) not in titles(bob, horizon_days=30)
    assert str(work["risk"]) in titles(bob, horizon_days=90)
    page = login(bob).get(reverse("my_tasks"), {"within": "all", "kind": "risk.review"})
    assert {t.source for t in page.context["inbox"].tasks} == {"Gjennomgang av risiko"}


def test_bad_filter_values_are_field_errors_not_failures(login, bob):
    page = login(bob).get(reverse("my_tasks"), {"within": "forever", "kind": "x" * 500})
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"within", "kind"}
    assert 'aria-invalid="true"' in page.content.decode()


def test_the_query_count_does_not_grow_with_the_number_of_tasks(login, bob, stolav, work):
    client = login(bob)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("my_tasks"), {"within": "all"}).status_code == 200
        return len(ctx)

    before = queries()
    for n in range(25):
        more = assessed(make_incident(title=f"More {n}", aware_at=timezone.now()), RiskLevel.UNLIKELY)
        measure(more, due_on=today(n % 5))
        Risk.objects.create(title=f"Risk {n}", organisation=stolav, next_review=today(n))
    assert queries() == before


def test_the_dashboard_panel_shows_the_first_tasks_and_links_to_all(login, bob, nina, work):
    html = login(bob).get(reverse("dashboard")).content.decode()
    assert 'id="tasks-heading"' in html and str(work["clock"]) in html
    assert reverse("my_tasks") in html
    assert 'id="tasks-heading"' not in login(nina).get(reverse("dashboard")).content.decode()


def test_done_and_closed_work_is_no_longer_a_task(bob, work):
    work["measure"].status = "done"
    work["measure"].done_on = today()
    work["measure"].save()
    work["risk"].status = "closed"
    work["risk"].save()
    remaining = titles(bob, horizon_days=None)
    assert str(work["risk"]) not in remaining
    # The done measure is no longer to carry out; what is left of it is the effect check, months later.
    left = [t for t in my_tasks(bob, horizon_days=None).tasks if t.title.endswith("Call the patient")]
    assert [(t.action, t.deadline.date()) for t in left] == [
        (gettext("Check whether the measure worked"), today(settings.EFFECT_CHECK_DAYS))
    ]
    assert not [t for t in my_tasks(bob, horizon_days=30).tasks if t.title.endswith("Call the patient")]

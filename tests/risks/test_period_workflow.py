"""A draft top-10 list is adjusted in the UI, submitted, and approved or sent back with a comment, each
step telling the other side (issue "A register that privacy officers … would choose to use")."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from risks.models import ReportingPeriod, prepare_next_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    approved = ReportingPeriod.objects.get(name="2. tertial 2025")
    return prepare_next_period(
        previous=approved, name="3. tertial 2025", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 31)
    )


def ranks(period):
    return list(period.entries.order_by("rank").values_list("risk__title", flat=True))


def test_the_privacy_officer_reorders_a_draft_list_with_up_and_down(login, alice, draft):
    client = login(alice)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert reverse("risks:periodentry_add", args=[draft.pk]) in page  # the list can be adjusted at all
    before = ranks(draft)
    second = draft.entries.get(rank=2)
    move = reverse("risks:periodentry_move", args=[draft.pk, second.pk])
    assert move in page
    client.post(move, {"direction": "up"})
    assert ranks(draft) == [before[1], before[0], *before[2:]]  # one step, no temporary rank
    assert second.history.first().history_change_reason == "Moved"
    first = draft.entries.get(rank=1)
    client.post(reverse("risks:periodentry_move", args=[draft.pk, first.pk]), {"direction": "up"})
    assert ranks(draft) == [before[1], before[0], *before[2:]]  # the top cannot go higher


def test_who_may_move_entries(login, bob, mona, draft):
    entry = draft.entries.get(rank=2)
    url = reverse("risks:periodentry_move", args=[draft.pk, entry.pk])
    assert login(bob).post(url, {"direction": "up"}).status_code == 404  # another organisation's list
    assert login(mona).post(url, {"direction": "up"}).status_code == 403  # managers approve, not edit
    approved = ReportingPeriod.objects.get(name="2. tertial 2025")
    frozen = reverse("risks:periodentry_move", args=[approved.pk, approved.entries.get(rank=2).pk])
    assert login(mona).post(frozen, {"direction": "up"}).status_code == 403


def test_submit_send_back_and_approve_each_tell_the_other_side(
    login, alice, mona, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(alice).post(reverse("risks:period_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.is_submitted and draft.submitted_by == alice
    assert [m.to for m in mail.outbox] == [[mona.email]] and "godkjenning" in mail.outbox[0].subject

    client = login(mona)
    reject = reverse("risks:period_reject", args=[draft.pk])
    response = client.post(reject, {"comment": "  "})
    assert response.status_code == 200 and response.context["form"].errors["comment"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reject, {"comment": "Flytt leveranserisikoen opp."})
    draft.refresh_from_db()
    assert not draft.is_submitted and draft.review_comment == "Flytt leveranserisikoen opp."
    assert alice.email in mail.outbox[-1].to and "Flytt leveranserisikoen opp." in mail.outbox[-1].body
    assert "Flytt leveranserisikoen opp." in login(alice).get(draft.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        login(alice).post(reverse("risks:period_submit", args=[draft.pk]))
    approve = reverse("risks:period_approve", args=[draft.pk])
    confirm = login(mona).get(approve)
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.content.decode()  # asks first
    draft.refresh_from_db()
    assert not draft.is_approved
    with django_capture_on_commit_callbacks(execute=True):
        login(mona).post(approve, {"confirm": "yes"})
    draft.refresh_from_db()
    assert draft.is_approved and draft.approved_by == mona
    assert alice.email in mail.outbox[-1].to and "godkjent" in mail.outbox[-1].subject
    assert login(alice).post(reverse("risks:period_submit", args=[draft.pk])).status_code == 403  # frozen


def test_only_managers_approve_or_send_back(login, alice, draft):
    assert login(alice).get(reverse("risks:period_approve", args=[draft.pk])).status_code == 403
    draft.submit(user=alice)
    assert login(alice).get(reverse("risks:period_reject", args=[draft.pk])).status_code == 403


def test_preparing_a_list_with_a_name_that_exists_is_refused_on_the_page(login, alice):
    approved = ReportingPeriod.objects.get(name="2. tertial 2025")
    url = reverse("risks:period_prepare", args=[approved.pk])
    form = {"name": "1. tertial 2025", "starts_on": "2025-09-01", "ends_on": "2025-12-31"}
    page = login(alice).post(url, form, follow=True).content.decode()
    assert "A period with that name exists." in page or "En periode med det navnet finnes." in page
    assert ReportingPeriod.objects.filter(name="1. tertial 2025").count() == 1

"""Saved filters and bulk actions on lists: assign an owner or set a review date on the ticked rows, each
change in the history; only rows the user may change are changed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.models import Gap
from hpregister.models import SavedFilter
from risks.models import Risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def stolav_risks(org):
    stolav = org("St. Olavs hospital HF")
    return [Risk.objects.create(title=f"Bulk risk {n}", organisation=stolav) for n in range(3)]


def test_a_privacy_officer_assigns_an_owner_and_a_review_date_to_the_ticked_rows(login, bob, stolav_risks):
    client = login(bob)
    url = reverse("risks:risk_list")
    page = client.get(url, {"q": "Bulk risk"}).content.decode()
    assert 'id="bulk-form"' in page and 'name="ids"' in page
    ticked = [r.pk for r in stolav_risks[:2]]
    response = client.post(url + "?q=Bulk+risk", {"action": "owner", "owner": bob.pk, "ids": ticked})
    assert response.status_code == 302 and response["Location"].endswith("?q=Bulk+risk")  # the same list
    assert [r.owner_id for r in Risk.objects.filter(pk__in=[r.pk for r in stolav_risks]).order_by("pk")] == [
        bob.pk,
        bob.pk,
        None,
    ]
    latest = Risk.objects.get(pk=ticked[0]).history.first()
    assert latest.history_user == bob and latest.history_change_reason == "Bulk change"
    day = timezone.localdate() + dt.timedelta(days=90)
    client.post(url, {"action": "next_review", "next_review": day.isoformat(), "ids": ticked})
    assert {Risk.objects.get(pk=pk).next_review for pk in ticked} == {day}


def test_rows_the_user_may_not_change_are_left_alone(login, carol, stolav_risks):
    melhus = Risk.objects.create(
        title="Melhus risk", organisation=stolav_risks[0].organisation.__class__.objects.get(name="Melhus")
    )
    response = login(carol).post(
        reverse("risks:risk_list"),
        {
            "action": "next_review",
            "next_review": timezone.localdate().isoformat(),
            "ids": [stolav_risks[0].pk, melhus.pk],
        },
        follow=True,
    )
    assert Risk.objects.get(pk=melhus.pk).next_review == timezone.localdate()
    assert Risk.objects.get(pk=stolav_risks[0].pk).next_review is None  # another organisation's: untouched
    assert any("1" in str(m) for m in response.context["messages"])


def test_bad_bulk_input_changes_nothing_and_says_why(login, bob, mona, stolav_risks):
    url = reverse("risks:risk_list")
    client = login(bob)
    response = client.post(url, {"action": "owner", "ids": [stolav_risks[0].pk]}, follow=True)
    assert Risk.objects.get(pk=stolav_risks[0].pk).owner is None
    assert [str(m) for m in response.context["messages"]]
    client.post(url, {"action": "owner", "owner": bob.pk, "ids": ["x", "9" * 30]})
    client.post(url, {"action": "delete", "ids": [stolav_risks[0].pk]})
    assert Risk.objects.get(pk=stolav_risks[0].pk).owner is None
    assert login(mona).post(url, {"action": "owner", "owner": mona.pk, "ids": [stolav_risks[0].pk]}).status_code == 403
    assert 'id="bulk-form"' not in login(mona).get(url).content.decode()


def test_gaps_get_an_owner_in_bulk(login, alice):
    gaps = list(Gap.objects.filter(organisation__is_operator=True)[:2])
    login(alice).post(
        reverse("compliance:gap_list"), {"action": "owner", "owner": alice.pk, "ids": [g.pk for g in gaps]}
    )
    assert {Gap.objects.get(pk=g.pk).owner_id for g in gaps} == {alice.pk}


def test_a_saved_filter_is_the_users_own_and_opens_the_same_list(login, bob, carol):
    client = login(bob)
    response = client.post(
        reverse("saved_filter_save"),
        {"name": "Mine uten eier", "list_name": "risks:risk_list", "query": "q=Bulk&page=3&_export=csv"},
    )
    saved = SavedFilter.objects.get(user=bob)
    assert saved.query == "q=Bulk" and response["Location"].endswith("/risks/?q=Bulk")
    page = client.get(reverse("risks:risk_list")).content.decode()
    assert "Mine uten eier" in page and 'href="?q=Bulk"' in page
    assert "Mine uten eier" not in login(carol).get(reverse("risks:risk_list")).content.decode()
    assert login(carol).post(reverse("saved_filter_delete", args=[saved.pk])).status_code == 404
    login(bob).post(reverse("saved_filter_delete", args=[saved.pk]))
    assert not SavedFilter.objects.exists()
    # A list that does not exist, or a name too long, is refused.
    login(bob).post(reverse("saved_filter_save"), {"name": "x", "list_name": "admin:index", "query": ""})
    login(bob).post(reverse("saved_filter_save"), {"name": "x" * 81, "list_name": "risks:risk_list", "query": ""})
    assert not SavedFilter.objects.exists()

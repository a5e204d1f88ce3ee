"""Log control in the browser, in nb and en at 1280 and 390 px, with axe on each page: a planned review
finds a suspected look-up, the staff follow-up case makes it a breach, the breach is notified, and both the
case and the breach close only once every duty is met."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from hpregister.models import Organisation
from incidents.models import Incident
from logcontrol.models import LogControlPlan, StaffCase
from tests.browser.conftest import axe_violations, fits, follow, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page, name):
    assert fits(page), f"{name} scrolls sideways at {page.width} px"
    assert axe_violations(page) == [], name
    screenshot(page, f"logcontrol-{name}-{page.tag}")


def submit(page):
    page.click("main form.hp-form button[type=submit], main form button[type=submit]")


def test_from_a_log_review_finding_to_a_notified_breach_closed_after_every_duty(view):
    page = view
    bob = get_user_model().objects.get(username="bob")
    today = timezone.localdate()
    plan = LogControlPlan.objects.create(
        organisation=Organisation.objects.get(name="St. Olavs hospital HF"),
        name="Kjente personer",
        kind="targeted",
        target="vip",
        responsible=bob,
        next_due=today,
    )
    log_in(page, "bob")
    page.click(f"nav a[href='{reverse('logcontrol:logreview_list')}']")
    page.click(f"a[href='{reverse('logcontrol:logcontrolplan_list')}']")
    follow(page, f"a[href='{plan.get_absolute_url()}']")
    checked(page, "plan")

    page.click(f"a[href='{reverse('logcontrol:logreview_add')}?plan={plan.pk}']")
    page.fill("#id_period_from", (today - dt.timedelta(days=30)).isoformat())
    page.fill("#id_period_to", today.isoformat())
    page.fill("#id_scope", "Alle oppslag på kjente personer")
    page.fill("#id_lookups_checked", "212")
    page.fill("#id_findings", "Ett oppslag uten tjenstlig behov")
    page.fill("#id_suspected", "1")
    checked(page, "review-form")
    submit(page)
    page.wait_for_selector("#cases-heading")
    checked(page, "review")

    page.click("a[href$='/open-case/']")
    page.fill("#id_employee", "Ansatt 4711")
    page.fill("#id_summary", "Slo opp en kjent person uten tjenstlig behov")
    confirmed = timezone.localtime() - dt.timedelta(hours=3)
    page.fill("#id_confirmed_at_0", confirmed.strftime("%Y-%m-%dT%H:%M"))
    submit(page)
    page.wait_for_selector("#steps-heading")
    case = StaffCase.objects.get(review__plan=plan)
    checked(page, "case")

    page.click(f"a[href='{reverse('logcontrol:staffcase_register_breach', args=[case.pk])}']")
    page.click("button[name=confirm]")
    page.wait_for_selector("#id_risk_level")
    incident = Incident.objects.get(staff_cases=case)
    assert incident.aware_at == confirmed.replace(second=0, microsecond=0)
    page.select_option("#id_risk_level", "risk")
    page.fill("#id_risk_rationale", "Helseopplysninger om én kjent person.")
    submit(page)
    page.wait_for_selector("#clock-heading")
    checked(page, "incident")

    page.click(f"a[href='{reverse('incidents:notification_add', args=[incident.pk])}']")
    page.select_option("#id_phase", "initial")
    page.fill("#id_sent_at_0", (timezone.localtime() - dt.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_case_reference", "26/04711")
    submit(page)
    page.wait_for_selector("text=26/04711")

    page.goto(page.base + reverse("incidents:incident_close", args=[incident.pk]))
    assert page.locator(f"a[href='{case.get_absolute_url()}']").count() == 1  # the staff follow-up is open
    checked(page, "incident-close-refused")
    page.click(f"a[href='{case.get_absolute_url()}']")

    for step in case.steps.filter(done_on__isnull=True):
        page.click(f"a[href='{reverse('logcontrol:staffcasestep_edit', args=[case.pk, step.pk])}']")
        page.fill("#id_done_on", today.isoformat())
        page.fill("#id_note", "Gjort")
        submit(page)
        page.wait_for_selector("#steps-heading")
    page.click(f"a[href='{reverse('logcontrol:staffcase_edit', args=[case.pk])}']")
    page.fill("#id_outcome", "Skriftlig advarsel; pasienten informert per brev.")
    submit(page)
    page.wait_for_selector("#steps-heading")
    follow(page, f"a[href='{reverse('logcontrol:staffcase_close', args=[case.pk])}']")
    checked(page, "case-close")
    page.click("button[name=confirm]")
    page.wait_for_selector("#steps-heading")
    assert StaffCase.objects.get(pk=case.pk).status == "closed"

    page.goto(page.base + reverse("incidents:incident_close", args=[incident.pk]))
    page.click("button[name=confirm]")
    page.wait_for_selector(f"a[href='{reverse('incidents:incident_reopen', args=[incident.pk])}']")
    assert Incident.objects.get(pk=incident.pk).status == "closed"
    checked(page, "incident-closed")

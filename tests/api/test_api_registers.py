"""#15: the other registers over the API (risks, top-10 periods, duties and assessments, gaps, sub-processors and
notices, my tasks), each through its pages' forms and rules, with the pages' scoping and versions."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import (
    Assessment,
    Evidence,
    Gap,
    Instrument,
    Obligation,
    ProcessorAgreement,
    SubProcessor,
    SubProcessorNotice,
    amend_instrument,
)
from hpregister.models import Organisation
from incidents.choices import IncidentStatus
from incidents.models import Incident
from risks.models import ReportingPeriod, Risk, RiskMeasure, ScaleStep, prepare_next_period
from risks.notify import approve_period, submit_period
from tests.api.test_api_changes import Api
from tests.factories import make_incident, measure, oslo

pytestmark = pytest.mark.django_db
NOW = oslo(2026, 11, 22, 12, 0)

LISTS = [
    "/api/v1/risks/",
    "/api/v1/top10-periods/",
    "/api/v1/duties/",
    "/api/v1/assessments/",
    "/api/v1/gaps/",
    "/api/v1/subprocessors/",
    "/api/v1/subprocessor-notices/",
    "/api/v1/adequacy-decisions/",
    "/api/v1/processor-agreements/",
]


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def stolav():
    return Organisation.objects.get(name="St. Olavs hospital HF")


def steps(dimension, value):
    return ScaleStep.objects.get(scale__is_active=True, dimension=dimension, value=value).pk


@pytest.mark.parametrize("url", LISTS)
def test_every_list_costs_the_same_whatever_its_page_size_and_pages_by_cursor(client, alice, url):
    for n in range(3):
        SubProcessorNotice.objects.create(change="added", name=f"Vendor {n}", received_on=dt.date(2026, 11, 1))
        ProcessorAgreement.objects.create(organisation=Organisation.objects.first(), processor=f"Vendor {n}")
    api = Api(client, alice, read_only=True)
    counts, first = [], None
    for size in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{url}?page_size={size}")
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) == size and (body["next"] or size > 1), url
        counts.append(len(queries))
        first = first or body
    assert counts[0] == counts[1], (url, counts)
    following = api.get(first["next"]).json()["results"]
    assert following and following[0]["id"] != first["results"][0]["id"]
    detail = api.get(first["results"][0]["api_url"])
    assert detail.status_code == 200 and detail["ETag"]


def test_the_lists_filter_with_the_pages_filtersets_and_say_what_is_wrong(client, alice):
    api = Api(client, alice, read_only=True)
    found = api.get("/api/v1/gaps/?q=ARK-1").json()["results"]
    assert [gap["code"] for gap in found] == ["ARK-1"]
    assert {r["status"] for r in api.get("/api/v1/risks/?status=open").json()["results"]} == {"open"}
    wrong = api.get("/api/v1/risks/?status=nonsense")
    assert wrong.status_code == 400 and "status" in wrong.json()


def test_a_risk_is_added_assessed_and_refused_closing_above_its_level_as_on_the_page(client, bob, stolav):
    api = Api(client, bob)
    body = {
        "title": "Shared printer in the ward",
        "organisation": stolav.pk,
        "description": "Printouts left on the printer.",
        "status": "open",
        "next_review": "2027-01-15",
        "residual_probability": steps("probability", 4),
        "residual_consequence": steps("consequence", 4),
    }
    created = api.send("post", "/api/v1/risks/", body)
    assert created.status_code == 201, created.content
    assert created["Location"] == created.json()["api_url"]  # where the new record is
    risk = Risk.objects.get(pk=created.json()["id"])
    assert risk.history.first().history_user == bob and created.json()["residual_level"]
    read = api.get(created.json()["api_url"])
    closing = api.send("patch", created.json()["api_url"], {"status": "closed"}, etag=read["ETag"])
    assert closing.status_code == 400
    assert "acceptable level" in closing.json()["status"][0]  # the model's own message, beside the field
    lowered = api.send(
        "patch",
        created.json()["api_url"],
        {"residual_probability": steps("probability", 1), "residual_consequence": steps("consequence", 1)},
        etag=read["ETag"],
    )
    assert lowered.status_code == 200 and lowered.json()["title"] == "Shared printer in the ward"
    stale = api.send("patch", created.json()["api_url"], {"title": "Changed"}, etag=read["ETag"])
    assert stale.status_code == 412
    no_owner = api.send("post", created.json()["api_url"] + "measures/", {"description": "Pull printing"}, etag="*")
    assert no_owner.status_code == 400 and {"owner", "due_on"} <= set(no_owner.json())
    measure = api.send(
        "post",
        created.json()["api_url"] + "measures/",
        {"description": "Pull printing", "owner": bob.pk, "due_on": "2027-01-31"},
        etag=lowered["ETag"],
    )
    assert measure.status_code == 201, measure.content
    assert RiskMeasure.objects.get(pk=measure.json()["id"]).risk == risk
    assert [m["description"] for m in api.get(created.json()["api_url"]).json()["measures"]] == ["Pull printing"]


def test_nobody_adds_a_risk_for_an_organisation_they_cannot_record_for(client, carol, mona, stolav):
    body = {"title": "x", "organisation": stolav.pk, "next_review": "2027-01-15", "status": "open"}
    refused = Api(client, carol).send("post", "/api/v1/risks/", body)
    assert refused.status_code == 400 and "organisation" in refused.json()
    assert Api(client, mona).send("post", "/api/v1/risks/", body).status_code == 403


def test_a_top10_list_is_submitted_by_the_officer_and_approved_by_a_manager(
    client, alice, mona, django_capture_on_commit_callbacks
):
    approved = ReportingPeriod.objects.get(name="2. tertial 2025")
    draft = prepare_next_period(
        previous=approved, name="3. tertial 2025", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 31)
    )
    url = f"/api/v1/top10-periods/{draft.pk}/"
    alices, monas = Api(client, alice), Api(client, mona)
    assert len(alices.get(url).json()["entries"]) == 10
    assert monas.send("post", url + "submit/", etag="*").status_code == 403  # a manager approves, never submits
    with django_capture_on_commit_callbacks(execute=True):
        submitted = alices.send("post", url + "submit/", etag=alices.get(url)["ETag"])
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert [m.to for m in mail.outbox] == [[mona.email]]  # the page's message to the managers, too
    assert alices.send("post", url + "approve/", etag="*").status_code == 403  # only a manager approves
    empty = monas.send("post", url + "reject/", {"comment": " "}, etag="*")
    assert empty.status_code == 400 and "comment" in empty.json()
    done = monas.send("post", url + "approve/", etag=submitted["ETag"])
    assert done.status_code == 200 and done.json()["state"] == "approved"
    assert monas.send("post", url + "reject/", {"comment": "Too late"}, etag="*").status_code == 403  # frozen


def test_an_assessment_is_recorded_by_whoever_saves_it(client, bob, carol):
    assessment = Assessment.objects.get(obligation__code="HOD-6", organisation__name="St. Olavs hospital HF")
    url = f"/api/v1/assessments/{assessment.pk}/"
    bobs = Api(client, bob)
    bad = bobs.send("patch", url, {"evidence_links": "not a link"}, etag=bobs.get(url)["ETag"])
    assert bad.status_code == 400 and "evidence_links" in bad.json()
    saved = bobs.send("patch", url, {"status": "compliant", "rationale": "Checked monthly"}, etag=bobs.get(url)["ETag"])
    assert saved.status_code == 200, saved.content
    assessment.refresh_from_db()
    assert (assessment.status, assessment.assessed_by, assessment.assessed_on) == ("compliant", bob, NOW.date())
    assert assessment.next_review > NOW.date()
    assert Api(client, carol).send("patch", url, {"status": "partly"}, etag="*").status_code == 404
    assert bobs.send("post", "/api/v1/assessments/", {}).status_code == 405  # one per duty, from the start
    duty = Api(client, carol).get(f"/api/v1/duties/{assessment.obligation_id}/").json()
    assert {a["organisation"]["name"] for a in duty["assessments"]} == {"Melhus"}  # only what she may see


def test_gaps_and_their_actions(client, alice, bob):
    gap = Gap.objects.get(code="ARK-1")
    url = f"/api/v1/gaps/{gap.pk}/"
    assert Api(client, bob).get(url).status_code == 404  # the operator's own gap, as on the page
    assert Api(client, bob).send("patch", url, {"status": "closed"}, etag="*").status_code == 404
    alices = Api(client, alice)
    action = alices.send(
        "post", url + "actions/", {"description": "Ask the ministry", "owner": alice.pk, "due_on": "2027-02-01"}, "*"
    )
    assert action.status_code == 201, action.content
    changed = alices.send("patch", url, {"status_note": "Asked"}, etag=alices.get(url)["ETag"])
    assert changed.status_code == 200 and changed.json()["actions"][0]["description"] == "Ask the ministry"
    assert changed.json()["code"] == "ARK-1" and gap.obligations.count() == changed.json()["obligations"].__len__()


def test_a_subprocessor_notice_is_recorded_and_decided_as_on_the_page(client, alice):
    api = Api(client, alice)
    notice = api.send("post", "/api/v1/subprocessor-notices/", {"change": "added", "name": "New vendor AB"})
    assert notice.status_code == 400 and "received_on" in notice.json()
    notice = api.send(
        "post",
        "/api/v1/subprocessor-notices/",
        {"change": "added", "name": "New vendor AB", "received_on": "2026-11-20"},
    )
    assert notice.status_code == 201, notice.content
    assert notice.json()["objection_deadline"] > "2026-11-20"  # the received date plus the objection window
    url = notice.json()["api_url"]
    unexplained = api.send("post", url + "decide/", {"decision": "objected"}, etag=api.get(url)["ETag"])
    assert unexplained.status_code == 400, unexplained.content
    decided = api.send("post", url + "decide/", {"decision": "accepted"}, etag=api.get(url)["ETag"])
    assert decided.status_code == 200 and decided.json()["decided_by"] == "alice"
    vendor = SubProcessor.objects.first()
    read = api.get(f"/api/v1/subprocessors/{vendor.pk}/")
    assert read.json()["transfer_basis"] == vendor.transfer_basis
    patched = api.send("patch", f"/api/v1/subprocessors/{vendor.pk}/", {"address": "Oslo"}, etag=read["ETag"])
    assert patched.status_code == 200 and patched.json()["name"] == vendor.name


def test_my_tasks_are_the_my_tasks_pages_rows(client, login, bob, stolav):
    risk = Risk.objects.create(title="Shared printer", organisation=stolav, owner=bob)
    RiskMeasure.objects.create(risk=risk, description="Pull printing", owner=bob, due_on=dt.date(2026, 11, 20))
    body = Api(client, bob, read_only=True).get("/api/v1/tasks/").json()
    assert body["overdue"] >= 1
    row = next(task for task in body["results"] if "Pull printing" in task["title"])
    assert row["overdue"] and row["all_day"] and row["url"].startswith("http")
    page = login(bob).get("/tasks/").content.decode()
    assert "Pull printing" in page
    wrong = Api(client, bob, read_only=True).get("/api/v1/tasks/?within=5")
    assert wrong.status_code == 400 and "within" in wrong.json()


@pytest.mark.parametrize(
    "method,url,body,field",
    [
        ("post", "/api/v1/incidents/", [None, None], "non_field_errors"),
        ("post", "/api/v1/risks/", {"title": "x", "next_review": [None, None]}, "next_review"),
        ("post", "/api/v1/gaps/", {"status_date": {"a": 1}}, "status_date"),
        (
            "post",
            "/api/v1/subprocessor-notices/",
            {"objection_deadline": [None], "change": "added"},
            "objection_deadline",
        ),
        ("post", "/api/v1/risks/", {"obligations": "not a list"}, "obligations"),
        ("post", "/api/v1/risks/", {"obligations": [[1]]}, "obligations"),
        ("post", "/api/v1/incidents/", {"organisations": [{"id": 1}]}, "organisations"),
        ("post", "/api/v1/incidents/{incident}/withdraw/", [None, None], "non_field_errors"),
        ("post", "/api/v1/subprocessor-notices/{notice}/decide/", {"decision": ["accepted"]}, "decision"),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_400_beside_the_field_never_a_500(client, alice, method, url, body, field):
    """Found by schemathesis: a list where the form takes one value (or a list for the whole body) was a 500."""
    notice = SubProcessorNotice.objects.create(change="added", name="Vendor", received_on=dt.date(2026, 11, 1))
    ids = {"incident": make_incident().pk, "notice": notice.pk}
    api = Api(client, alice)
    response = api.send(method, url.format(**ids), body, etag="*")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


def test_a_measure_is_marked_done_through_the_pages_form_with_its_own_version(client, bob):
    incident, other = make_incident(), make_incident(title="Another breach")
    task = measure(incident, description="Train the ward", owner=bob)
    api = Api(client, bob)
    url = f"/api/v1/incidents/{incident.pk}/measures/{task.pk}/"
    read = api.get(url)
    assert read.status_code == 200 and read.json()["description"] == "Train the ward"
    assert api.send("patch", url, {"status": "done"}).status_code == 428
    undated = api.send("patch", url, {"status": "done"}, etag=read["ETag"])
    assert undated.status_code == 400 and "done_on" in undated.json()  # the page's rule, beside the field
    done = api.send("patch", url, {"status": "done", "done_on": "2026-11-21"}, etag=read["ETag"])
    assert done.status_code == 200 and done.json()["status"] == "done" and done["ETag"] != read["ETag"]
    task.refresh_from_db()
    assert task.done_on == dt.date(2026, 11, 21) and task.history.first().history_user == bob
    assert api.send("patch", url, {"description": "x"}, etag=read["ETag"]).status_code == 412  # stale
    elsewhere = f"/api/v1/incidents/{other.pk}/measures/{task.pk}/"
    assert api.get(elsewhere).status_code == 404  # a measure is found only under its own breach
    risk_url = f"/api/v1/risks/{Risk.objects.first().pk}/measures/{task.pk}/"
    assert api.get(risk_url).status_code == 404


def test_a_closed_breachs_measures_are_read_but_not_changed(client, bob, alice):
    incident = make_incident()
    task = measure(incident)
    Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.CLOSED)
    url = f"/api/v1/incidents/{incident.pk}/measures/{task.pk}/"
    api = Api(client, bob)
    assert api.get(url).status_code == 200
    assert api.send("patch", url, {"description": "x"}, etag="*").status_code == 403


def test_the_next_top10_list_is_prepared_from_an_approved_one_as_on_its_page(client, alice, bob, mona):
    approved = ReportingPeriod.objects.get(name="2. tertial 2025")
    url = f"/api/v1/top10-periods/{approved.pk}/prepare/"
    body = {"name": "3. tertial 2025", "starts_on": "2025-09-01", "ends_on": "2025-12-31"}
    assert Api(client, bob).send("post", url, body).status_code == 404  # not his organisation's list
    assert Api(client, mona).send("post", url, body).status_code == 403  # a manager approves, never prepares
    api = Api(client, alice)
    backwards = api.send("post", url, {**body, "ends_on": "2025-08-01"})
    assert backwards.status_code == 400 and "ends_on" in backwards.json()
    prepared = api.send("post", url, body)
    assert prepared.status_code == 201, prepared.content
    assert prepared.json()["state"] == "draft" and len(prepared.json()["entries"]) == 10
    assert prepared["Location"].endswith(f"/api/v1/top10-periods/{prepared.json()['id']}/")
    again = api.send("post", url, body)
    assert again.status_code == 400 and again.json()["name"] == ["A period with that name exists."]
    draft = f"/api/v1/top10-periods/{prepared.json()['id']}/prepare/"
    assert api.send("post", draft, {**body, "name": "x"}).status_code == 403  # only from an approved list


def test_a_draft_top10_list_is_ranked_over_the_api_as_on_its_page(client, alice, mona):
    """Add a risk to a draft list, change an entry, move one up: each through the page's form and rule, each
    entry with its own version; an approved list is frozen, and a manager approves but never edits."""
    approved = ReportingPeriod.objects.get(name="2. tertial 2025")
    draft = prepare_next_period(
        previous=approved, name="3. tertial 2025", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 31)
    )
    url = f"/api/v1/top10-periods/{draft.pk}/"
    api = Api(client, alice)
    first, second = api.get(url).json()["entries"][:2]
    entry_url = f"{url}entries/{second['id']}/"
    read = api.get(entry_url)
    assert read.status_code == 200 and read.json()["rank"] == second["rank"] == 2 and read["ETag"]

    assert api.send("post", entry_url + "move/", {"direction": "up"}, etag='"old"').status_code == 412
    sideways = api.send("post", entry_url + "move/", {"direction": "sideways"}, etag=read["ETag"])
    assert sideways.status_code == 400 and "direction" in sideways.json()
    moved = api.send("post", entry_url + "move/", {"direction": "up"}, etag=read["ETag"])
    assert moved.status_code == 200, moved.content
    assert [e["id"] for e in moved.json()["entries"][:2]] == [second["id"], first["id"]]

    entry = api.get(entry_url)
    changed = api.send("patch", entry_url, {"change_reason": "New supplier"}, etag=entry["ETag"])
    assert changed.status_code == 200, changed.content
    assert (changed.json()["change_reason"], changed.json()["rank"]) == ("New supplier", 1)

    twice = api.send("post", url + "entries/", {"rank": 11, "risk": first["risk"]}, etag=api.get(url)["ETag"])
    assert twice.status_code == 400 and twice.json()["risk"] == ["The risk is already on this list."]
    other = Risk.objects.create(organisation=draft.organisation, title="Leverandørens logger", status="open")
    added = api.send("post", url + "entries/", {"rank": 11, "risk": other.pk}, etag=api.get(url)["ETag"])
    assert added.status_code == 201, added.content
    assert added.json()["risk"] == other.pk and draft.entries.count() == 11

    monas = Api(client, mona)
    assert monas.send("post", entry_url + "move/", {"direction": "down"}, etag="*").status_code == 403
    assert monas.send("patch", entry_url, {"change_reason": "x"}, etag="*").status_code == 403
    submit_period(draft, user=alice)
    approve_period(draft, user=mona)
    assert api.send("post", entry_url + "move/", {"direction": "down"}, etag="*").status_code == 403  # frozen
    assert api.send("post", url + "entries/", {"rank": 12, "risk": other.pk}, etag="*").status_code == 403


def test_a_residual_risk_is_accepted_over_the_api_by_whom_the_rule_allows(client, alice, mona, bob):
    red = Risk.objects.get(title__startswith="Manglende økonomisk")
    url = f"/api/v1/risks/{red.pk}/accept/"
    body = {"valid_until": (NOW.date() + dt.timedelta(days=180)).isoformat(), "justification": "Budget plan."}
    assert Api(client, bob).send("post", url, body, etag="*").status_code == 404  # not his organisation's risk
    alices = Api(client, alice)
    refused = alices.send("post", url, body, etag=alices.get(f"/api/v1/risks/{red.pk}/")["ETag"])
    assert refused.status_code == 400 and "manager" in refused.json()["non_field_errors"][0]
    monas = Api(client, mona)
    etag = monas.get(f"/api/v1/risks/{red.pk}/")["ETag"]
    past = monas.send("post", url, {**body, "valid_until": NOW.date().isoformat()}, etag=etag)
    assert past.status_code == 400 and "valid_until" in past.json()
    assert monas.send("post", url, {"valid_until": "soon"}, etag=etag).status_code == 400
    accepted = monas.send("post", url, body, etag=etag)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["treatment"] == "accept"
    assert [(a["accepted_by"], a["valid_until"], a["level"]) for a in accepted.json()["acceptances"]] == [
        (mona.username, body["valid_until"], "Høy")
    ]
    assert monas.send("post", url, body, etag=etag).status_code == 412  # the risk has changed since


def test_the_duties_list_shows_current_versions_as_its_page_and_all_on_request(client, alice):
    old = Obligation.objects.get(code="HOD-7")
    amend_instrument(instrument=Instrument.objects.get(), reference="20/2985-50", issued_on=dt.date(2026, 6, 1))
    api = Api(client, alice, read_only=True)
    current = api.get("/api/v1/duties/?page_size=100").json()["results"]
    every = api.get("/api/v1/duties/?page_size=100&version=all").json()["results"]
    assert (len(current), len(every)) == (13, 26)
    assert old.pk not in {d["id"] for d in current} and old.pk in {d["id"] for d in every}
    assert api.get(f"/api/v1/duties/{old.pk}/").status_code == 200  # the old text stays readable


def test_adequacy_decisions_and_processor_agreements_as_on_their_pages(client, alice, bob, stolav):
    """Read by everyone who sees them; changed only by whom their pages let (an adequacy decision is the
    operators' reference data); each through its page's form with its messages."""
    bobs, alices = Api(client, bob), Api(client, alice)
    decisions = bobs.get("/api/v1/adequacy-decisions/?page_size=100")
    assert decisions.status_code == 200 and decisions.json()["results"]
    decision = decisions.json()["results"][0]
    read = bobs.get(decision["api_url"])
    assert read.status_code == 200 and read["ETag"] and "expires_on" in read.json()
    body = {"country": "JP", "title": "Japan (2019/419)", "adopted_on": "2019-01-23"}
    assert bobs.send("post", "/api/v1/adequacy-decisions/", body).status_code == 403  # as on the page
    twice = alices.send("post", "/api/v1/adequacy-decisions/", {**body, "country": decision["country"]})
    assert twice.status_code == 400 and "country" in twice.json()

    agreement = {"organisation": stolav.pk, "kind": "processor", "processor": "Epic Systems", "breach_notice_hours": 24}
    created = bobs.send("post", "/api/v1/processor-agreements/", agreement)
    assert created.status_code == 201, created.content
    url = created["Location"]
    too_long = bobs.send("patch", url, {"breach_notice_hours": 24 * 31}, etag=bobs.get(url)["ETag"])
    assert too_long.status_code == 400 and "breach_notice_hours" in too_long.json()
    changed = bobs.send("patch", url, {"reference": "DBA-2026-7"}, etag=bobs.get(url)["ETag"])
    assert changed.status_code == 200 and changed.json()["reference"] == "DBA-2026-7"
    assert changed.json()["breach_notice_hours"] == 24
    melhus = Organisation.objects.get(name="Melhus")
    other = bobs.send("post", "/api/v1/processor-agreements/", {**agreement, "organisation": melhus.pk})
    assert other.status_code == 400 and "organisation" in other.json()  # not his to sign for
    mine = bobs.get("/api/v1/processor-agreements/?kind=processor").json()["results"]
    assert {a["organisation"]["name"] for a in mine} == {"St. Olavs hospital HF"}


def test_evidence_is_uploaded_read_and_downloaded_over_the_api_checked_as_on_the_page(client, bob, carol):
    assessment = Assessment.objects.get(obligation__code="HOD-6", organisation__name="St. Olavs hospital HF")
    url = f"/api/v1/assessments/{assessment.pk}/"
    bobs = Api(client, bob)

    def upload(name, content, etag):
        return client.post(
            url + "evidence/",
            {"file": SimpleUploadedFile(name, content)},
            HTTP_AUTHORIZATION=bobs.auth,
            HTTP_IF_MATCH=etag,
        )

    etag = bobs.get(url)["ETag"]
    fake = upload("routine.pdf", b"MZ\x90\x00 not a pdf", etag)
    assert fake.status_code == 400 and fake.json()["file"] == ["The file's content does not match its type."]
    assert upload("tool.exe", b"MZ", etag).status_code == 400
    assert upload("routine.pdf", b"%PDF-1.4 routine", '"old"').status_code == 412
    assert bobs.send("post", url + "evidence/", {"file": "x"}, etag=etag).status_code == 415  # a file, not JSON
    assert not Evidence.objects.exists()
    added = upload("routine.pdf", b"%PDF-1.4 routine", etag)
    assert added.status_code == 201, added.content
    assert (added.json()["name"], added.json()["size"], added.json()["uploaded_by"]) == ("routine.pdf", 16, "bob")
    assert added["Location"].endswith(f"{url}evidence/{Evidence.objects.get().pk}/")

    listed = bobs.get(url).json()["evidence"]
    assert [e["name"] for e in listed] == ["routine.pdf"]
    download = bobs.get(added["Location"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 routine"
    assert download["Content-Type"] == "application/pdf" and download["Cache-Control"] == "private, no-store"
    assert Api(client, carol).get(added["Location"]).status_code == 404  # not her organisation's

"""Every URL in the URLconf x every persona gets the expected answer.

A new URL without an entry in MATRIX fails ``test_every_url_has_an_entry``.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from compliance.models import (
    AdequacyDecision,
    Assessment,
    Evidence,
    Gap,
    GapAction,
    Obligation,
    ProcessorAgreement,
    SubProcessor,
    SubProcessorNotice,
)
from hpregister.models import ExportJob, Organisation, SavedFilter
from incidents.models import BreachCount, CaseEntry, RootCause
from internalcontrol.models import ArchiveSeries, Dpia, ProcessingActivity
from logcontrol.models import AccessLogRequest, LogControlPlan, LogReview, open_case
from risks.models import ReportingPeriod, Risk
from tests.factories import assessed, make_incident, measure, notify, oslo
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "alice", "bob", "carol", "mona", "nina", "root"]


def expect(default, **overrides):
    return {p: overrides.get(p, default) for p in PERSONAS}


def login_only(status=200, **overrides):
    return expect(status, anonymous=302, **overrides)


def members_only(**overrides):
    """Register-wide records: every member reads them; a user of no organisation gets 404."""
    return login_only(nina=404, **overrides)


def objects():
    incident = make_incident()  # St. Olavs hospital HF
    notification = notify(assessed(incident), oslo(2026, 11, 20, 12))
    stolav_assessment = Assessment.objects.get(obligation__code="HOD-6", organisation__name="St. Olavs hospital HF")
    evidence = Evidence.objects.create(
        assessment=stolav_assessment,
        file=ContentFile(b"%PDF-1.4 test", name="log-routine.pdf"),
        name="log-routine.pdf",
        content_type="application/pdf",
        size=13,
    )
    gap = Gap.objects.get(code="ARK-1")
    notice = SubProcessorNotice.objects.create(change="added", name="New vendor AB", received_on=dt.date(2026, 11, 1))
    period = ReportingPeriod.objects.get(name="2. tertial 2025")
    risk6 = Risk.objects.get(title__startswith="Avhengighet av amerikanske")
    webhook = WebhookEndpoint.objects.create(
        organisation=Organisation.objects.get(name="St. Olavs hospital HF"),
        name="Ticketing",
        url="https://tickets.example/hook",
        events=["incident.registered"],
    )
    delivery = WebhookDelivery.objects.create(endpoint=webhook, event="incident.registered", key="k", payload={})
    return {
        "webhook": webhook.pk,
        "delivery": delivery.pk,
        "period": period.pk,
        "entry": period.entries.get(rank=1).pk,
        "risk6": risk6.pk,
        "riskmeasure": risk6.measures.first().pk,
        "assessment": stolav_assessment.pk,
        "evidence": evidence.pk,
        "gapaction": GapAction.objects.create(gap=gap, description="Ask HOD", due_on=dt.date(2026, 12, 1)).pk,
        "notice": notice.pk,
        "incident": incident.pk,
        "notification": notification.pk,
        "measure": measure(incident).pk,
        "affected": incident.affected.get().pk,
        "savedfilter": SavedFilter.objects.create(
            user=get_user_model().objects.get(username="alice"), list_name="risks:risk_list", name="x", query=""
        ).pk,
        "exportjob": ExportJob.objects.create(
            user=get_user_model().objects.get(username="alice"),
            path="/risks/?_export=csv",
            title="Risks",
            export_format="csv",
            filename="risks.csv",
            status=ExportJob.Status.DONE,
            file=ContentFile(b"a;b", name="risks.csv"),
            expires_at=timezone.now() + dt.timedelta(hours=1),
        ).pk,
        "caseentry": CaseEntry.objects.create(
            incident=incident, kind="email", file=ContentFile(b"From: x", name="mail.eml"), name="mail.eml"
        ).pk,
        "stolav": Organisation.objects.get(name="St. Olavs hospital HF").pk,
        "gap": Gap.objects.get(code="ARK-1").pk,  # owned by Helseplattformen AS
        "obligation": Obligation.objects.get(code="HOD-1").pk,
        "subprocessor": SubProcessor.objects.get(name="Epic Trondheim AS").pk,
        "risk": Risk.objects.get(title="Lange ventetider").pk,  # Helse Midt-Norge RHF
        "breachcount": BreachCount.objects.order_by("pk").first().pk,
        "rootcause": RootCause.objects.order_by("pk").first().pk,
        **log_control_objects(incident.organisations.get()),
        **internal_control_objects(incident.organisations.get()),
    }


def internal_control_objects(organisation) -> dict:
    """A processing activity, a DPIA, an archive series and a processor agreement of St. Olavs hospital HF."""
    bob = get_user_model().objects.get(username="bob")
    activity = ProcessingActivity.objects.create(
        organisation=organisation,
        name="Pasientbehandling",
        purposes="Helsehjelp",
        data_subjects="Pasienter",
        data_categories="Helseopplysninger",
        retention="Pasientjournalloven",
        security_measures="Tilgangsstyring",
    )
    dpia = Dpia.objects.create(organisation=organisation, title="Talegjenkjenning", owner=bob)
    series = ArchiveSeries.objects.create(
        organisation=organisation,
        name="Papirjournaler 1990-2010",
        service_level="specialist",
        regime="helsearkiv",
        medium="paper",
        disposition="norsk_helsearkiv",
        trigger="patient_death",
        trigger_on=dt.date(2020, 5, 1),
    )
    agreement = ProcessorAgreement.objects.create(
        organisation=organisation, processor="Hemit HF", breach_notice_hours=12
    )
    return {
        "activity": activity.pk,
        "dpia": dpia.pk,
        "series": series.pk,
        "agreement": agreement.pk,
        "adequacy": AdequacyDecision.objects.get(country="GB").pk,
    }


def log_control_objects(organisation) -> dict:
    """A plan, a review, a staff case with its steps and an access-log request of St. Olavs hospital HF."""
    alice = get_user_model().objects.get(username="alice")
    plan = LogControlPlan.objects.create(
        organisation=organisation,
        name="VIP",
        kind="targeted",
        target="vip",
        responsible=alice,
        next_due=dt.date(2027, 1, 1),
    )
    review = LogReview.objects.create(
        organisation=organisation,
        plan=plan,
        kind="targeted",
        target="vip",
        period_from=dt.date(2026, 10, 1),
        period_to=dt.date(2026, 10, 31),
        scope="Ward 3",
        reviewer=alice,
        reviewed_on=dt.date(2026, 11, 2),
        lookups_checked=120,
        suspected=1,
    )
    case = open_case(
        organisation=organisation,
        employee="E123",
        summary="Looked up a neighbour",
        confirmed_at=oslo(2026, 11, 3, 9),
        user=alice,
        review=review,
    )
    request = AccessLogRequest.objects.create(
        organisation=organisation, reference="2026/123", received_on=dt.date(2026, 11, 1), owner=alice
    )
    return {
        "logplan": plan.pk,
        "logreview": review.pk,
        "staffcase": case.pk,
        "staffstep": case.steps.first().pk,
        "logrequest": request.pk,
    }


ST_OLAV_READ = login_only(carol=404, nina=404)

ONLY_HP_AS = dict(bob=404, carol=404, mona=404, nina=404)
WRITERS = dict(mona=403, nina=403)
# Register-wide records maintained by Helseplattformen AS's privacy officers.
OPERATOR_ONLY = login_only(bob=403, carol=403, mona=403, nina=403)
OPERATOR_ONLY_VISIBLE = login_only(bob=403, carol=403, mona=403, nina=404)
RHF_POST_ONLY = login_only(403, bob=404, carol=404, nina=404)  # a Helse Midt-Norge RHF period
INCIDENT_WRITERS = login_only(carol=404, nina=404, mona=403)  # an incident of St. Olavs hospital HF

# url name: (args from objects(), expected status per persona)
MATRIX = {
    "dashboard": ([], login_only()),
    "healthz": ([], expect(200)),
    "metrics": ([], expect(404)),  # a machine's page: 404 for everyone without METRICS_TOKEN
    "search": ([], login_only()),
    "my_tasks": ([], login_only()),
    "measure_list": ([], login_only()),
    "saved_filter_save": ([], login_only(403)),  # POST only
    "export_list": ([], login_only()),
    "export_detail": (["exportjob"], login_only(404, alice=200)),  # alice's own export
    "export_download": (["exportjob"], login_only(404, alice=200)),
    "export_delete": (["exportjob"], expect(405, anonymous=302)),  # POST only
    "saved_filter_delete": (["savedfilter"], login_only(404, alice=403)),  # alice's own; GET refused
    "account": ([], login_only()),
    "twofactor_setup": ([], login_only()),
    "twofactor_verify": ([], login_only()),
    "twofactor_recovery_codes": ([], expect(405, anonymous=302)),  # POST only
    "twofactor_remove": ([], expect(405, anonymous=302)),  # POST only
    "password_change": ([], login_only()),
    "password_change_done": ([], login_only()),
    "password_reset": ([], expect(200)),
    "password_reset_done": ([], expect(200)),
    "password_reset_confirm": (["MQ", "no-such-token"], expect(200)),  # "the link does not work"
    "password_reset_complete": ([], expect(200)),
    "security_events": ([], login_only(403, alice=200, root=200)),
    "calendar_feed": (["no-such-token"], expect(404)),
    "login": ([], expect(302, anonymous=200)),
    "logout": ([], expect(405, anonymous=302)),
    "set_language": ([], expect(302)),
    "hpregister:organisation_list": ([], login_only()),
    "hpregister:organisation_detail": (["stolav"], login_only(carol=404, nina=404)),
    "compliance:index": ([], login_only(302)),
    "compliance:obligation_list": ([], login_only()),
    "compliance:obligation_detail": (["obligation"], members_only()),
    "compliance:gap_list": ([], login_only()),
    "compliance:gap_add": ([], login_only(**WRITERS)),
    "compliance:gap_detail": (["gap"], login_only(**ONLY_HP_AS)),
    "compliance:gap_edit": (["gap"], login_only(**ONLY_HP_AS)),
    "compliance:subprocessor_list": ([], login_only()),
    "compliance:obligation_matrix": ([], login_only()),
    "compliance:assessment_list": ([], login_only()),
    "compliance:assessment_detail": (["assessment"], login_only(carol=404, nina=404)),
    "compliance:assessment_edit": (["assessment"], login_only(carol=404, nina=404, mona=403)),
    "compliance:evidence_download": (["evidence"], login_only(carol=404, nina=404)),
    "compliance:gapaction_add": (["gap"], login_only(**ONLY_HP_AS)),
    "compliance:gapaction_edit": (["gap", "gapaction"], login_only(**ONLY_HP_AS)),
    "compliance:subprocessor_add": ([], OPERATOR_ONLY),
    "compliance:subprocessor_edit": (["subprocessor"], OPERATOR_ONLY_VISIBLE),
    "compliance:subprocessor_import": ([], OPERATOR_ONLY),
    "compliance:subprocessornotice_list": ([], login_only()),
    "compliance:subprocessornotice_detail": (["notice"], members_only()),
    "compliance:subprocessornotice_add": ([], OPERATOR_ONLY),
    "compliance:subprocessornotice_edit": (["notice"], OPERATOR_ONLY_VISIBLE),
    "compliance:subprocessornotice_decide": (["notice"], login_only(403, nina=404)),  # POST only
    "compliance:subprocessor_detail": (["subprocessor"], members_only()),
    "risks:risk_list": ([], login_only()),
    "risks:risk_add": ([], login_only(**WRITERS)),
    "risks:top10": ([], login_only()),
    "risks:top10_pdf": ([], login_only(bob=404, carol=404, nina=404)),  # no period they can see
    "risks:risk_detail": (["risk"], login_only(bob=404, carol=404, nina=404)),
    "risks:risk_edit": (["risk"], login_only(bob=404, carol=404, mona=403, nina=404)),
    "risks:risk_accept": (["risk"], login_only(bob=404, carol=404, nina=404)),  # managers accept too
    "risks:riskmeasure_add": (["risk"], login_only(bob=404, carol=404, mona=403, nina=404)),
    "risks:riskmeasure_edit": (["risk6", "riskmeasure"], login_only(bob=404, carol=404, mona=403, nina=404)),
    "risks:heatmap": ([], login_only()),
    "risks:riskmeasure_effect": (["risk6", "riskmeasure"], login_only(302, bob=404, carol=404, mona=403, nina=404)),
    "compliance:gapaction_effect": (["gap", "gapaction"], login_only(302, **ONLY_HP_AS)),  # not done: back
    "incidents:incidentmeasure_effect": (["incident", "measure"], login_only(302, carol=404, nina=404, mona=403)),
    "incidents:incident_recurrences": (["incident"], login_only(302, carol=404, nina=404, mona=403)),  # POST only
    "logcontrol:logreview_list": ([], login_only()),
    "logcontrol:logreview_add": ([], login_only(**WRITERS)),
    "logcontrol:logreview_detail": (["logreview"], ST_OLAV_READ),
    "logcontrol:logreview_edit": (["logreview"], INCIDENT_WRITERS),
    "logcontrol:staffcase_open": (["logreview"], INCIDENT_WRITERS),
    "logcontrol:logcontrolplan_list": ([], login_only()),
    "logcontrol:logcontrolplan_add": ([], login_only(**WRITERS)),
    "logcontrol:logcontrolplan_detail": (["logplan"], ST_OLAV_READ),
    "logcontrol:logcontrolplan_edit": (["logplan"], INCIDENT_WRITERS),
    "logcontrol:staffcase_list": ([], login_only()),
    "logcontrol:staffcase_detail": (["staffcase"], ST_OLAV_READ),
    "logcontrol:staffcase_edit": (["staffcase"], INCIDENT_WRITERS),
    "logcontrol:staffcase_register_breach": (["staffcase"], INCIDENT_WRITERS),  # GET: the confirmation page
    "logcontrol:staffcase_close": (["staffcase"], INCIDENT_WRITERS),  # GET: the confirmation page
    "logcontrol:staffcasestep_edit": (["staffcase", "staffstep"], INCIDENT_WRITERS),
    "logcontrol:accesslogrequest_list": ([], login_only()),
    "logcontrol:accesslogrequest_add": ([], login_only(**WRITERS)),
    "logcontrol:accesslogrequest_detail": (["logrequest"], ST_OLAV_READ),
    "logcontrol:accesslogrequest_edit": (["logrequest"], INCIDENT_WRITERS),
    "incidents:rootcause_list": ([], login_only()),
    "incidents:rootcause_detail": (["rootcause"], members_only()),
    "incidents:rootcause_add": ([], OPERATOR_ONLY),
    "incidents:rootcause_edit": (["rootcause"], OPERATOR_ONLY_VISIBLE),
    "risks:acceptablelevel_list": ([], login_only()),
    "risks:acceptablelevel_add": ([], login_only(403, mona=200, root=200)),  # management sets the levels
    "risks:reportingperiod_list": ([], login_only()),
    "risks:period_detail": (["period"], login_only(bob=404, carol=404, nina=404)),
    "risks:period_approve": (["period"], RHF_POST_ONLY),  # the matrix's period is approved: frozen
    "risks:period_submit": (["period"], RHF_POST_ONLY),
    "risks:period_reject": (["period"], RHF_POST_ONLY),
    "risks:periodentry_move": (["period", "entry"], RHF_POST_ONLY),
    "risks:period_prepare": (["period"], RHF_POST_ONLY),
    "risks:periodentry_add": (["period"], RHF_POST_ONLY),  # approved: frozen, so nobody may add
    "risks:periodentry_edit": (["period", "entry"], RHF_POST_ONLY),
    "incidents:incident_list": ([], login_only()),
    "incidents:incident_add": ([], login_only(**WRITERS)),
    "incidents:statistics": ([], login_only()),
    "incidents:incident_detail": (["incident"], login_only(carol=404, nina=404)),
    "incidents:incident_report": (["incident"], login_only(carol=404, nina=404)),
    "incidents:incident_report_pdf": (["incident"], login_only(carol=404, nina=404)),
    "incidents:incident_edit": (["incident"], INCIDENT_WRITERS),
    "incidents:incident_withdraw": (["incident"], INCIDENT_WRITERS),
    "incidents:incident_close": (["incident"], INCIDENT_WRITERS),  # GET: the confirmation, with the open duties
    "incidents:incident_reopen": (["incident"], INCIDENT_WRITERS),
    "incidents:notification_add": (["incident"], INCIDENT_WRITERS),
    "incidents:notification_edit": (["incident", "notification"], INCIDENT_WRITERS),
    "incidents:incidentmeasure_add": (["incident"], INCIDENT_WRITERS),
    "incidents:caseentry_add": (["incident"], INCIDENT_WRITERS),
    "incidents:case_file": (["incident", "caseentry"], login_only(carol=404, nina=404)),
    "incidents:incidentmeasure_edit": (["incident", "measure"], INCIDENT_WRITERS),
    "incidents:incidentorganisation_edit": (["incident", "affected"], INCIDENT_WRITERS),
    "incidents:breachcount_list": ([], login_only()),
    "incidents:breachcount_detail": (["breachcount"], members_only()),
    "compliance:adequacydecision_list": ([], login_only()),
    "compliance:adequacydecision_add": ([], OPERATOR_ONLY),
    "compliance:adequacydecision_detail": (["adequacy"], members_only()),
    "compliance:adequacydecision_edit": (["adequacy"], OPERATOR_ONLY_VISIBLE),
    "compliance:processoragreement_list": ([], login_only()),
    "compliance:processoragreement_add": ([], login_only(**WRITERS)),
    "compliance:processoragreement_detail": (["agreement"], ST_OLAV_READ),
    "compliance:processoragreement_edit": (["agreement"], INCIDENT_WRITERS),
    "internalcontrol:record": ([], login_only()),
    "internalcontrol:record_pdf": ([], login_only(nina=404)),  # nina sees no organisation
    "internalcontrol:processingactivity_list": ([], login_only()),
    "internalcontrol:processingactivity_add": ([], login_only(**WRITERS)),
    "internalcontrol:processingactivity_detail": (["activity"], ST_OLAV_READ),
    "internalcontrol:processingactivity_edit": (["activity"], INCIDENT_WRITERS),
    "internalcontrol:dpia_list": ([], login_only()),
    "internalcontrol:dpia_add": ([], login_only(**WRITERS)),
    "internalcontrol:dpia_detail": (["dpia"], ST_OLAV_READ),
    "internalcontrol:dpia_edit": (["dpia"], INCIDENT_WRITERS),
    "internalcontrol:archiveseries_list": ([], login_only()),
    "internalcontrol:archiveseries_add": ([], login_only(**WRITERS)),
    "internalcontrol:archiveseries_detail": (["series"], ST_OLAV_READ),
    "internalcontrol:archiveseries_edit": (["series"], INCIDENT_WRITERS),
    "internalcontrol:annual_report": ([], login_only()),
    "internalcontrol:annual_report_pdf": ([], login_only()),
    "api:schema": ([], expect(200, anonymous=401)),  # JSON: DRF answers 401, never the login redirect
    "api:docs": ([], login_only()),
    "api:incident-list": ([], expect(200, anonymous=401)),
    "api:incident-detail": (["incident"], expect(200, anonymous=401, carol=404, nina=404)),
    # The transitions and additions answer POST only: their rights are API_WRITES' below.
    "api:incident-close": (["incident"], expect(405, anonymous=401)),
    "api:incident-withdraw": (["incident"], expect(405, anonymous=401)),
    "api:incident-reopen": (["incident"], expect(405, anonymous=401)),
    "api:incident-notifications": (["incident"], expect(405, anonymous=401)),
    "api:incident-measures": (["incident"], expect(405, anonymous=401)),
    # The other registers: read as their pages are (their writes are test_api_writes_have_the_pages_rights').
    "api:risk-list": ([], expect(200, anonymous=401)),
    "api:risk-detail": (["risk"], expect(200, anonymous=401, bob=404, carol=404, nina=404)),
    "api:risk-measures": (["risk"], expect(405, anonymous=401)),
    "api:period-list": ([], expect(200, anonymous=401)),
    "api:period-detail": (["period"], expect(200, anonymous=401, bob=404, carol=404, nina=404)),
    "api:period-submit": (["period"], expect(405, anonymous=401)),
    "api:period-approve": (["period"], expect(405, anonymous=401)),
    "api:period-reject": (["period"], expect(405, anonymous=401)),
    "api:period-prepare": (["period"], expect(405, anonymous=401)),
    "api:period-entries": (["period"], expect(405, anonymous=401)),
    "api:period-entry": (["period", "entry"], expect(200, anonymous=401, bob=404, carol=404, nina=404)),
    "api:period-move": (["period", "entry"], expect(405, anonymous=401)),
    "api:risk-accept": (["risk"], expect(405, anonymous=401)),
    "api:obligation-list": ([], expect(200, anonymous=401)),
    "api:obligation-detail": (["obligation"], expect(200, anonymous=401, nina=404)),
    "api:assessment-list": ([], expect(200, anonymous=401)),
    "api:assessment-detail": (["assessment"], expect(200, anonymous=401, carol=404, nina=404)),
    "api:assessment-evidence": (["assessment"], expect(405, anonymous=401)),
    "api:assessment-evidence-file": (["assessment", "evidence"], expect(200, anonymous=401, carol=404, nina=404)),
    "api:gap-list": ([], expect(200, anonymous=401)),
    "api:gap-detail": (["gap"], expect(200, anonymous=401, **ONLY_HP_AS)),
    "api:gap-actions": (["gap"], expect(405, anonymous=401)),
    "api:subprocessor-list": ([], expect(200, anonymous=401)),
    "api:subprocessor-detail": (["subprocessor"], expect(200, anonymous=401, nina=404)),
    "api:notice-list": ([], expect(200, anonymous=401)),
    "api:notice-detail": (["notice"], expect(200, anonymous=401, nina=404)),
    "api:adequacy-list": ([], expect(200, anonymous=401)),
    "api:adequacy-detail": (["adequacy"], expect(200, anonymous=401, nina=404)),
    "api:agreement-list": ([], expect(200, anonymous=401)),
    "api:agreement-detail": (["agreement"], expect(200, anonymous=401, carol=404, nina=404)),
    "api:notice-decide": (["notice"], expect(405, anonymous=401)),
    "api:task-list": ([], expect(200, anonymous=401)),
    "api:incident-measure": (["incident", "measure"], expect(200, anonymous=401, carol=404, nina=404)),
    "api:incident-affected": (["incident", "affected"], expect(200, anonymous=401, carol=404, nina=404)),
    "api:risk-measure": (["risk6", "riskmeasure"], expect(200, anonymous=401, bob=404, carol=404, nina=404)),
    "api:gap-action": (["gap", "gapaction"], expect(200, anonymous=401, **ONLY_HP_AS)),
    "webhooks:webhookendpoint_list": ([], login_only()),
    "webhooks:webhookendpoint_add": ([], login_only(**WRITERS)),
    "webhooks:webhookendpoint_detail": (["webhook"], ST_OLAV_READ),
    "webhooks:webhookendpoint_edit": (["webhook"], INCIDENT_WRITERS),
    "webhooks:delivery_resend": (["webhook", "delivery"], expect(405, anonymous=302)),  # POST only
    # Single sign-on: not configured in the tests (tests/browser/test_sso.py runs it against a real provider).
    "oidc_authentication_init": ([], expect(404)),
    "oidc_authentication_callback": ([], expect(404)),
    "sso_refused": ([], expect(404)),
    "admin:index": ([], expect(302, root=200)),
}


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns == "admin":
                continue  # Django admin: covered by admin:index (staff only) and Django's own tests
            yield from url_names(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_an_entry():
    missing = set(url_names()) - set(MATRIX)
    assert not missing, f"Add these URLs to the authorisation matrix: {sorted(missing)}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_authorisation_matrix(persona, login, django_user_model):
    user = None if persona == "anonymous" else django_user_model.objects.get(username=persona)
    client = login(user)
    ids = objects()
    failures = []
    for name, (args, expected) in MATRIX.items():
        url = reverse(name, args=[ids.get(a, a) for a in args])
        status = client.get(url).status_code
        if status != expected[persona]:
            failures.append(f"{name} {url}: got {status}, expected {expected[persona]}")
    assert not failures, "\n".join(failures)


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get(reverse("compliance:gap_list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('compliance:gap_list')}"


# The API's writes, by method: who reaches the incident page's forms and rules (and gets their answer: 200,
# 201, or 400 with the messages), and who is stopped before them.
REACHED = {200, 201, 400}
API_WRITE_RIGHTS = {
    "anonymous": {401},
    "alice": REACHED,
    "bob": REACHED,
    "carol": {404},  # not her organisation's incident: it does not exist for her
    "mona": {403},  # a manager reads
    "nina": {404},
    "root": REACHED,
}
API_WRITES = [
    ("patch", "api:incident-detail"),
    ("post", "api:incident-notifications"),
    ("post", "api:incident-measures"),
    ("post", "api:incident-withdraw"),
    ("post", "api:incident-reopen"),
    ("post", "api:incident-close"),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_writes_matrix(persona, login, django_user_model):
    user = None if persona == "anonymous" else django_user_model.objects.get(username=persona)
    client = login(user)
    incident = objects()["incident"]
    failures = []
    for method, name in API_WRITES:
        url = reverse(name, args=[incident])
        status = getattr(client, method)(url, {}, content_type="application/json", HTTP_IF_MATCH="*").status_code
        if status not in API_WRITE_RIGHTS[persona]:
            failures.append(f"{method.upper()} {name}: got {status}, expected {API_WRITE_RIGHTS[persona]}")
    assert not failures, "\n".join(failures)


# Every other write of the API, with the page whose rights it must have: where the page's form opens (200), the
# API reaches the same form or rule (200, 201, or 400 with its messages); where the page answers 403 or 404, so
# does the API; the login redirect is the API's 401.
API_WRITES_AS_PAGES = [
    ("post", "api:incident-list", [], "incidents:incident_add"),
    ("post", "api:risk-list", [], "risks:risk_add"),
    ("patch", "api:risk-detail", ["risk"], "risks:risk_edit"),
    ("post", "api:risk-measures", ["risk"], "risks:riskmeasure_add"),
    ("patch", "api:assessment-detail", ["assessment"], "compliance:assessment_edit"),
    ("post", "api:gap-list", [], "compliance:gap_add"),
    ("patch", "api:gap-detail", ["gap"], "compliance:gap_edit"),
    ("post", "api:gap-actions", ["gap"], "compliance:gapaction_add"),
    ("post", "api:subprocessor-list", [], "compliance:subprocessor_add"),
    ("patch", "api:subprocessor-detail", ["subprocessor"], "compliance:subprocessor_edit"),
    ("post", "api:notice-list", [], "compliance:subprocessornotice_add"),
    ("patch", "api:notice-detail", ["notice"], "compliance:subprocessornotice_edit"),
    ("post", "api:notice-decide", ["notice"], "compliance:subprocessornotice_edit"),
    ("patch", "api:incident-measure", ["incident", "measure"], "incidents:incidentmeasure_edit"),
    ("patch", "api:incident-affected", ["incident", "affected"], "incidents:incidentorganisation_edit"),
    ("patch", "api:risk-measure", ["risk6", "riskmeasure"], "risks:riskmeasure_edit"),
    ("patch", "api:gap-action", ["gap", "gapaction"], "compliance:gapaction_edit"),
    # An approved top-10 list is frozen for everyone who sees it, as its pages' POST routes are.
    ("post", "api:period-submit", ["period"], "risks:period_submit"),
    ("post", "api:period-approve", ["period"], "risks:period_submit"),
    ("post", "api:period-reject", ["period"], "risks:period_submit"),
    ("post", "api:period-entries", ["period"], "risks:periodentry_add"),
    ("patch", "api:period-entry", ["period", "entry"], "risks:periodentry_edit"),
    ("post", "api:period-move", ["period", "entry"], "risks:periodentry_move"),
    ("post", "api:risk-accept", ["risk"], "risks:risk_accept"),
    ("post", "api:adequacy-list", [], "compliance:adequacydecision_add"),
    ("patch", "api:adequacy-detail", ["adequacy"], "compliance:adequacydecision_edit"),
    ("post", "api:agreement-list", [], "compliance:processoragreement_add"),
    ("patch", "api:agreement-detail", ["agreement"], "compliance:processoragreement_edit"),
    ("post", "api:assessment-evidence", ["assessment"], "compliance:assessment_edit", "multipart"),
]


def api_rights(page_status: int) -> set[int]:
    return {200: REACHED, 302: {401}}.get(page_status, {page_status})


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_writes_have_the_pages_rights(persona, login, django_user_model):
    user = None if persona == "anonymous" else django_user_model.objects.get(username=persona)
    client = login(user)
    ids = objects()
    failures = []
    for method, name, args, page, *body in API_WRITES_AS_PAGES:
        url = reverse(name, args=[ids[a] for a in args])
        as_json = {} if body == ["multipart"] else {"content_type": "application/json"}  # an upload is multipart
        status = getattr(client, method)(url, {}, HTTP_IF_MATCH="*", **as_json).status_code
        expected = api_rights(MATRIX[page][1][persona])
        if status not in expected:
            failures.append(f"{method.upper()} {name}: got {status}, expected {expected} as {page}")
    assert not failures, "\n".join(failures)

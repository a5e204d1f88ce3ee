"""Login throttling, two-factor authentication and the security headers."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def totp_now(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_repeated_failed_logins_lock_the_account(client, django_user_model):
    django_user_model.objects.create_user("victim", password="correct-horse-battery")
    for _ in range(5):
        client.post(reverse("login"), {"username": "victim", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "victim", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_privacy_officers_must_enrol_a_second_factor_when_required(client, settings, django_user_model, alice):
    settings.OTP_REQUIRED = True
    alice.set_password("correct-horse-battery")
    alice.save()
    response = client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery"}, follow=False)
    assert response.status_code == 302
    response = client.get(reverse("incidents:incident_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor_setup"))

    client.get(reverse("twofactor_setup"))
    device = TOTPDevice.objects.get(user=alice)
    assert not device.confirmed
    wrong = client.post(reverse("twofactor_setup"), {"token": "000000"})
    assert "token" in wrong.context["form"].errors
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows guessing down after a wrong code; a person simply waits
    done = client.post(reverse("twofactor_setup"), {"token": totp_now(device), "next": "/incidents/"})
    codes = done.context["codes"]
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=alice).count() == 10
    assert client.get(reverse("incidents:incident_list")).status_code == 200

    # A new session must verify; a recovery code works once.
    client.logout()
    client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery"})
    response = client.get(reverse("incidents:incident_list"))
    assert response["Location"].startswith(reverse("twofactor_verify"))
    assert client.post(reverse("twofactor_verify"), {"token": codes[0], "next": "/incidents/"}).status_code == 302
    assert client.get(reverse("incidents:incident_list")).status_code == 200
    client.logout()
    client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery"})
    again = client.post(reverse("twofactor_verify"), {"token": codes[0]})
    assert again.status_code == 200 and "token" in again.context["form"].errors


def test_managers_do_not_need_a_second_factor(client, settings, mona):
    settings.OTP_REQUIRED = True
    client.force_login(mona)
    assert client.get(reverse("risks:top10")).status_code == 200


def test_without_the_requirement_password_login_is_enough(login, settings, alice):
    settings.OTP_REQUIRED = False
    assert login(alice).get(reverse("incidents:incident_list")).status_code == 200


def test_pages_carry_a_content_security_policy_and_no_inline_script(login, alice):
    response = login(alice).get(reverse("risks:top10"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "onclick=" not in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_sign_out_form_may_go_on_to_the_sso_providers_logout_and_nowhere_else(login, alice, settings):
    """The sign-out form posts here and we redirect to the provider's end-session page: browsers check that
    redirect against form-action, so the provider's origin (and only it) is added while SSO logout is set."""
    response = login(alice).get(reverse("risks:top10"))
    assert "form-action 'self';" in response["Content-Security-Policy"] + ";"
    settings.OIDC_RP_CLIENT_ID = "hpregister"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example.org/tenant/oauth2/v2.0/authorize"
    settings.OIDC_OP_LOGOUT_ENDPOINT = "https://login.example.org/tenant/oauth2/v2.0/logout"
    header = login(alice).get(reverse("risks:top10"))["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";"))
    assert policy["form-action"] == "'self' https://login.example.org"
    assert policy["default-src"] == "'self'"


def test_sessions_expire_after_inactivity_not_while_in_use(client, alice, settings):
    """Eight hours without a request signs out; a day of work with requests every half hour does not."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(alice)
    for step in range(1, 21):  # ten hours in all, longer than the session age
        with time_machine.travel(start + timedelta(minutes=30 * step), tick=False):
            assert client.get(reverse("my_tasks")).status_code == 200, f"signed out after {step / 2} hours"
    idle = start + timedelta(minutes=600, seconds=settings.SESSION_COOKIE_AGE + 1)
    with time_machine.travel(idle, tick=False):
        assert client.get(reverse("my_tasks")).status_code == 302


def test_the_session_is_written_at_most_once_a_minute_not_on_every_request(client, alice, settings):
    """Django's SESSION_SAVE_EVERY_REQUEST wrote the session row on every page: one of the five queries of
    the per-request floor. The expiry moves on when the last write is older than SESSION_REFRESH_SECONDS."""
    from datetime import timedelta

    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    start = timezone.now()

    def writes(at):
        with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my_tasks")).status_code == 200
        return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]

    with time_machine.travel(start, tick=False):
        client.force_login(alice)
    assert writes(start + timedelta(seconds=10)) == []
    assert writes(start + timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 5)) == []
    assert len(writes(start + timedelta(seconds=settings.SESSION_REFRESH_SECONDS + 5))) == 1


@pytest.mark.urls("tests.floor_urls")
@pytest.mark.parametrize("verified", [True, False])
def test_a_verified_session_costs_three_queries_before_the_page_does_its_own(client, alice, mona, settings, verified):
    """The floor of every page: the session, the user and the device that verified the session. Whether the
    user must verify a second factor at all (their memberships) matters only while the session is not
    verified, so a verified session does not ask. A manager (no second factor needed) is let through on
    their memberships; an officer not yet verified is sent to verify."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY

    settings.OTP_REQUIRED = True
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.force_login(alice)
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/floor/hello/")
    tables = [q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in queries if q["sql"].startswith("SELECT")]
    if verified:
        assert response.status_code == 200 and response.content == f"hello {alice.pk}".encode()
        assert tables == ["django_session", "auth_user", "otp_totp_totpdevice"]
    else:
        assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor_verify"))

    client.force_login(mona)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/floor/hello/")
    assert response.status_code == 200
    assert len(queries) == 3  # the session, the user, and the memberships that say no second factor is needed
    device.delete()  # a device removed: the session it verified is verified no longer
    client.force_login(alice)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get("/floor/hello/").status_code == 302

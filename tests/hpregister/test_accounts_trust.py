"""Second factor, self-service credentials and the security audit trail (issue "Trust", section 1)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hpregister.choices import Role
from hpregister.choices import SecurityEventKind as Kind
from hpregister.models import Membership, Organisation, SecurityEvent
from tests.hpregister.test_security import totp_now

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def enrolled(user):
    """``user`` with a confirmed app and ten recovery codes, as after a first enrolment."""
    from hpregister.twofactor import new_recovery_codes

    user.set_password(PASSWORD)
    user.save()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device, new_recovery_codes(user)


def password_login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    return client


def events(kind, user=None):
    qs = SecurityEvent.objects.filter(kind=kind)
    return qs.filter(user=user) if user is not None else qs


# --- the second factor cannot be replaced with a password alone ----------------------------------------


@pytest.mark.parametrize("required", [True, False])
def test_a_password_alone_cannot_enrol_a_new_device_over_an_existing_one(client, settings, alice, required):
    settings.OTP_REQUIRED = required
    device, codes = enrolled(alice)
    password_login(client, alice)

    page = client.get(reverse("twofactor_setup"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("twofactor_verify"))
    # The attacker's own app: a device they would have scanned, confirmed with a code they computed.
    rogue = TOTPDevice.objects.create(user=alice, name="app", confirmed=False)
    response = client.post(reverse("twofactor_setup"), {"token": totp_now(rogue)})
    assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor_verify"))
    rogue.refresh_from_db()
    assert not rogue.confirmed and not client.session.get("otp_device_id")
    assert sorted(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)) == sorted(codes)
    assert TOTPDevice.objects.get(user=alice, confirmed=True) == device


@pytest.mark.parametrize("action", ["twofactor_recovery_codes", "twofactor_remove"])
def test_new_recovery_codes_and_removal_need_a_verified_session(client, settings, alice, action):
    settings.OTP_REQUIRED = False
    device, codes = enrolled(alice)
    password_login(client, alice)
    response = client.post(reverse(action))
    assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor_verify"))
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert StaticToken.objects.filter(device__user=alice).count() == len(codes)

    client.post(reverse("twofactor_verify"), {"token": totp_now(device)})
    response = client.post(reverse(action))
    if action == "twofactor_remove":
        assert response.status_code == 302 and not TOTPDevice.objects.filter(user=alice).exists()
        assert not StaticToken.objects.filter(device__user=alice).exists()
        assert events(Kind.OTP_REMOVED, alice).count() == 1
    else:
        new = response.context["codes"]
        assert len(new) == 10 and not set(new) & set(codes)
        assert set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)) == set(new)
        assert events(Kind.RECOVERY_CODES_NEW, alice).count() == 1


def test_the_first_enrolment_needs_no_earlier_factor_and_a_verified_session_replaces_the_phone(client, alice):
    alice.set_password(PASSWORD)
    alice.save()
    password_login(client, alice)
    client.get(reverse("twofactor_setup"))
    first = TOTPDevice.objects.get(user=alice)
    client.post(reverse("twofactor_setup"), {"token": totp_now(first)})
    first.refresh_from_db()
    assert first.confirmed and client.session.get("otp_device_id")

    client.get(reverse("twofactor_setup"))  # verified: may move to a new phone
    second = TOTPDevice.objects.get(user=alice, confirmed=False)
    done = client.post(reverse("twofactor_setup"), {"token": totp_now(second)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=alice)) == [second]  # the old phone no longer works
    assert events(Kind.OTP_ENROLLED, alice).count() == 2 and events(Kind.OTP_REMOVED, alice).count() == 1


@pytest.mark.parametrize("how", ["verify", "setup"])
def test_the_session_key_changes_when_the_second_factor_is_verified(client, alice, how):
    if how == "verify":
        device, _codes = enrolled(alice)
    else:
        alice.set_password(PASSWORD)
        alice.save()
    password_login(client, alice)
    if how == "setup":
        client.get(reverse("twofactor_setup"))
        device = TOTPDevice.objects.get(user=alice)
    before = client.session.session_key
    client.post(reverse(f"twofactor_{how}"), {"token": totp_now(device)})
    assert client.session.get("otp_device_id") and client.session.session_key != before


# --- self-service passwords ---------------------------------------------------------------------------


def test_a_user_changes_their_password_and_it_is_recorded(client, bob):
    bob.set_password(PASSWORD)
    bob.save()
    password_login(client, bob)
    before = events(Kind.PASSWORD_CHANGED, bob).count()
    new = "another-long-passphrase-42"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    bob.refresh_from_db()
    assert bob.check_password(new)
    assert events(Kind.PASSWORD_CHANGED, bob).count() == before + 1


def test_guessing_the_current_password_is_rate_limited(client, settings, bob):
    settings.PASSWORD_CHANGE_LIMIT_PER_HOUR = 3
    bob.set_password(PASSWORD)
    bob.save()
    password_login(client, bob)
    new = "another-long-passphrase-42"
    for _ in range(3):
        wrong = client.post(
            reverse("password_change"), {"old_password": "guess", "new_password1": new, "new_password2": new}
        )
        assert wrong.status_code == 200 and "old_password" in wrong.context["form"].errors
    limited = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert limited.status_code == 429 and "For mange forsøk" in str(limited.context["form"].non_field_errors())
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)


def reset_link(message) -> str:
    return re.search(r"https?://[^\s]+/accounts/password/reset/[^\s]+/", message.body).group(0)


def test_a_reset_by_e_mail_sets_the_password_but_never_skips_the_second_factor(client, settings, alice):
    settings.OTP_REQUIRED = True
    settings.SITE_URL = "https://hpregister.example.no"
    device, _codes = enrolled(alice)
    response = client.post(reverse("password_reset"), {"email": alice.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [alice.email]
    link = reset_link(mail.outbox[0])
    assert link.startswith("https://hpregister.example.no/")  # from SITE_URL, never the request's Host header

    path = link.removeprefix("https://hpregister.example.no")
    form_page = client.get(path, follow=True)
    new = "a-brand-new-passphrase-7"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert "_auth_user_id" not in client.session  # not signed in by the reset
    alice.refresh_from_db()
    assert alice.check_password(new)
    assert events(Kind.PASSWORD_RESET, alice).count() == 1

    client.post(reverse("login"), {"username": "alice", "password": new})
    page = client.get(reverse("incidents:incident_list"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("twofactor_verify"))
    client.logout()
    assert client.get(path, follow=True).context["validlink"] is False  # the link worked once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_reset_requests_are_rate_limited_per_address(client, settings, bob):
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("password_reset"), {"email": bob.email}).status_code == 302
    limited = client.post(reverse("password_reset"), {"email": "someone-else@example.test"})
    assert limited.status_code == 429 and "For mange forsøk" in limited.content.decode()
    assert len(mail.outbox) == 2


def test_reset_pages_are_in_bokmal(client):
    page = client.get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE="nb")
    assert "Glemt passordet?" in page.content.decode()


# --- the audit trail ------------------------------------------------------------------------------------


def test_sign_ins_failures_and_lockouts_are_recorded_with_address_and_browser(client, bob):
    bob.set_password(PASSWORD)
    bob.save()
    client.post(
        reverse("login"),
        {"username": "bob", "password": PASSWORD},
        HTTP_USER_AGENT="Firefox/140",
        REMOTE_ADDR="10.1.2.3",
    )
    login = events(Kind.LOGIN, bob).get()
    assert (login.ip_address, login.user_agent) == ("10.1.2.3", "Firefox/140")
    client.logout()
    for _ in range(5):
        client.post(reverse("login"), {"username": "bob", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    assert events(Kind.LOGIN_FAILED, bob).filter(ip_address="10.9.9.9").count() >= 4
    assert events(Kind.LOCKED_OUT).filter(username="bob").exists()


def test_a_recovery_code_use_is_recorded(client, alice):
    _device, codes = enrolled(alice)
    password_login(client, alice)
    client.post(reverse("twofactor_verify"), {"token": codes[0]})
    assert events(Kind.RECOVERY_CODE_USED, alice).count() == 1


def test_rights_and_memberships_changed_by_an_administrator_are_recorded_with_the_actor(root, carol):
    earlier = SecurityEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # An administrator's request: the history middleware gives the audit trail the acting user.
    from simple_history.models import HistoricalRecords

    request = type("R", (), {"user": root, "META": {"REMOTE_ADDR": "10.0.0.1"}})()
    HistoricalRecords.context.request = request
    try:
        membership = Membership.objects.create(
            user=carol, organisation=Organisation.objects.get(name="Molde"), role=Role.MANAGER
        )
        membership.role = Role.PRIVACY_OFFICER
        membership.save()
        membership.delete()
        carol.is_staff = True
        carol.save()
    finally:
        del HistoricalRecords.context.request
    kinds = list(
        SecurityEvent.objects.filter(user=carol, id__gt=earlier).order_by("id").values_list("kind", "actor__username")
    )
    assert kinds == [
        (Kind.MEMBERSHIP_ADDED, "root"),
        (Kind.MEMBERSHIP_CHANGED, "root"),
        (Kind.MEMBERSHIP_REMOVED, "root"),
        (Kind.ACCOUNT_CHANGED, "root"),
    ]
    changed = SecurityEvent.objects.get(user=carol, kind=Kind.MEMBERSHIP_CHANGED).detail
    assert changed.startswith("Molde: ") and "privacy_officer" not in changed and "→" in changed


def test_operators_browse_filter_and_export_the_audit_trail(login, alice, bob):
    bob_event = SecurityEvent.objects.create(kind=Kind.LOGIN_FAILED, username="bob", ip_address="10.7.7.7")
    SecurityEvent.objects.create(kind=Kind.LOGIN, username="carol", ip_address="10.8.8.8")
    client = login(alice)
    page = client.get(reverse("security_events"), {"kind": Kind.LOGIN_FAILED})
    rows = list(page.context["table"].page.object_list)
    assert [row.record for row in rows] == [bob_event]
    export = client.get(reverse("security_events"), {"q": "10.7.7.7", "_export": "csv"})
    body = b"".join(export.streaming_content).decode()
    assert "10.7.7.7" in body and "10.8.8.8" not in body
    assert login(bob).get(reverse("security_events")).status_code == 403


def test_the_audit_trail_cannot_be_edited_or_deleted_in_admin(login, root):
    event = SecurityEvent.objects.create(kind=Kind.LOGIN, username="x")
    client = login(root)
    assert (
        client.post(reverse("admin:hpregister_securityevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert SecurityEvent.objects.filter(pk=event.pk).exists()

"""#15 Single sign-on against a real OpenID Connect provider (node's oidc-provider, tests/sso/provider.js) in
its own process: the full redirect flow in Chromium (nb and en, 1280 and 390 px), and the rules over real
HTTP: groups mapped to organisations and roles, no mapping no access, deactivation at the provider, and the
provider's second factor instead of ours.

Needs node and ``npm ci`` in tests/sso (``.ci/run`` does it)."""

import json
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client

from hpregister.choices import Role
from hpregister.models import Membership, Organisation, SsoGroupMapping
from tests.browser.conftest import axe_violations, fits, screenshot
from tests.factories import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROVIDER_DIR = Path(__file__).resolve().parents[1] / "sso"
CLIENT_ID, CLIENT_SECRET = "hpregister", "test-client-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Accounts:
    """The provider's users, in the JSON file it reads on every lookup."""

    def __init__(self, path: Path):
        self.path = path
        self.data = {}
        self.write()

    def write(self):
        self.path.write_text(json.dumps(self.data))

    def add(self, login, groups, *, active=True, name=("Siri", "Solberg")):
        self.data[login] = {
            "password": "correct horse",
            "active": active,
            "claims": {
                "email": f"{login}@stolav.example",
                "email_verified": True,
                "given_name": name[0],
                "family_name": name[1],
                "name": " ".join(name),
                "groups": list(groups),
            },
        }
        self.write()


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    node = shutil.which("node")
    assert node, "the SSO tests need node (apt-get install nodejs npm)"
    assert (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir(), "run: cd tests/sso && npm ci"
    port = free_port()
    accounts = Accounts(tmp_path_factory.mktemp("sso") / "accounts.json")
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [node, "provider.js"],
        cwd=PROVIDER_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "PORT": str(port),
            "ISSUER": issuer,
            "ACCOUNTS": str(accounts.path),
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URI": f"{live_server.url}/oidc/callback/",
            "LOGOUT_URI": f"{live_server.url}/accounts/login/",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
            break
        except requests.RequestException:
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the OpenID Connect provider did not start")
    yield issuer, accounts
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def sso(provider, settings, reference_data):
    issuer, accounts = provider
    accounts.data.clear()
    accounts.write()
    discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.OIDC_OP_LOGOUT_ENDPOINT = discovery["end_session_endpoint"]
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_PROVIDER_NAME = "Helse Midt-Norge ID"
    settings.SSO_HELP_CONTACT = "personvern@helseplattformen.example"
    settings.OTP_REQUIRED = True
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    SsoGroupMapping.objects.create(group="stolav-privacy", organisation=stolav, role=Role.PRIVACY_OFFICER)
    SsoGroupMapping.objects.create(group="stolav-leaders", organisation=stolav, role=Role.MANAGER)
    return accounts


def sign_in_over_http(base, login, *, password="correct horse", mfa=True) -> tuple[requests.Session, str]:
    """The redirect flow as a browser makes it, with plain HTTP: returns the session and the final URL."""
    session = requests.Session()
    page = session.get(f"{base}/oidc/authenticate/", timeout=10)
    assert page.status_code == 200 and 'id="sign-in"' in page.text, page.text[:500]
    action = re.search(r'action="([^"]+)"', page.text).group(1)
    form = {"login": login, "password": password, **({"mfa": "1"} if mfa else {})}
    done = session.post(requests.compat.urljoin(page.url, action), data=form, timeout=10)
    return session, done.url


def test_sign_in_through_the_provider_in_the_browser(view, sso):
    page = view
    sso.add("siri", ["stolav-privacy"])
    incident = make_incident()
    page.goto(page.base + "/accounts/login/")
    button = page.locator("#sso-login")
    assert ("Log in with Helse Midt-Norge ID" if page.language == "en" else "Logg inn med Helse Midt-Norge ID") in (
        button.inner_text()
    )
    assert fits(page) and axe_violations(page) == []
    screenshot(page, f"sso-login-{page.tag}")
    button.click()
    page.fill("#login", "siri")
    page.fill("#password", "correct horse")
    page.check("#mfa")
    page.click("#sign-in")
    page.wait_for_url(page.base + "/")  # the dashboard: no second TOTP prompt after the provider's own
    page.goto(page.base + incident.get_absolute_url())
    assert incident.reference in page.inner_text("main")
    user = get_user_model().objects.get(username__startswith="oidc-")
    assert user.get_full_name() == "Siri Solberg" and not user.has_usable_password()
    assert [(m.organisation.name, m.role, m.from_sso) for m in user.memberships.all()] == [
        ("St. Olavs hospital HF", Role.PRIVACY_OFFICER, True)
    ]
    screenshot(page, f"sso-signed-in-{page.tag}")
    page.click("form[action='/accounts/logout/'] button[type=submit]")  # out here, then at the provider
    page.click("#sign-out")
    page.wait_for_url(page.base + "/accounts/login/")
    page.goto(page.base + "/oidc/authenticate/")
    assert page.locator("#sign-in").is_visible()  # the provider asks for the password again


def test_no_mapped_group_no_access_and_a_page_saying_whom_to_ask(view, sso):
    page = view
    sso.add("ola", ["kantine"])
    page.goto(page.base + "/oidc/authenticate/")
    page.fill("#login", "ola")
    page.fill("#password", "correct horse")
    page.check("#mfa")
    page.click("#sign-in")
    page.wait_for_url(page.base + "/accounts/sso/refused/")
    text = page.inner_text("main")
    assert "personvern@helseplattformen.example" in text
    assert ("none of your groups" if page.language == "en" else "ingen av gruppene") in text
    assert not get_user_model().objects.filter(username__startswith="oidc-").exists()
    assert fits(page) and axe_violations(page) == []
    screenshot(page, f"sso-refused-{page.tag}")


def test_the_mapping_decides_the_roles_at_every_sign_in_and_leaves_hand_given_ones(live_server, sso):
    sso.add("siri", ["stolav-privacy", "stolav-leaders"])
    session, url = sign_in_over_http(live_server.url, "siri")
    assert url == live_server.url + "/"
    user = get_user_model().objects.get(username__startswith="oidc-")
    assert user.memberships.get().role == Role.PRIVACY_OFFICER  # the broader of the two roles
    melhus = Organisation.objects.get(name="Melhus")
    Membership.objects.create(user=user, organisation=melhus, role=Role.MANAGER)  # given by hand

    sso.add("siri", ["stolav-leaders"])  # moved to a leader group at the provider
    sign_in_over_http(live_server.url, "siri")
    roles = {(m.organisation.name, m.role, m.from_sso) for m in user.memberships.all()}
    assert roles == {("St. Olavs hospital HF", Role.MANAGER, True), ("Melhus", Role.MANAGER, False)}

    sso.add("siri", ["kantine"])  # no mapped group left: the SSO access goes, and the sign-in is refused
    _, url = sign_in_over_http(live_server.url, "siri")
    assert url.endswith("/accounts/sso/refused/")
    assert {m.organisation.name for m in user.memberships.all()} == {"Melhus"}


def test_deactivation_at_the_provider_stops_the_next_sign_in(live_server, sso):
    sso.add("siri", ["stolav-privacy"])
    _, url = sign_in_over_http(live_server.url, "siri")
    assert url == live_server.url + "/"
    sso.add("siri", ["stolav-privacy"], active=False)
    session, url = sign_in_over_http(live_server.url, "siri")
    assert "/interaction/" in url and "deactivated" in session.get(url, timeout=10).text  # refused there
    assert session.get(live_server.url + "/", timeout=10, allow_redirects=False).status_code == 302  # not in


def test_deactivation_at_the_provider_ends_a_session_at_its_next_check(live_server, sso, settings):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 1  # production: 15 minutes
    sso.add("siri", ["stolav-privacy"])
    session, url = sign_in_over_http(live_server.url, "siri")
    assert url == live_server.url + "/"
    time.sleep(1.5)
    again = session.get(live_server.url + "/incidents/", timeout=10)  # checked silently: still active
    assert again.url == live_server.url + "/incidents/" and again.status_code == 200
    sso.add("siri", ["stolav-privacy"], active=False)
    time.sleep(1.5)
    ended = session.get(live_server.url + "/incidents/", timeout=10)  # the provider refuses: signed out
    assert ended.url == live_server.url + "/accounts/sso/refused/" and "deaktivert" in ended.text  # bokmål first
    assert session.get(live_server.url + "/", timeout=10, allow_redirects=False).status_code == 302
    local = Client()  # a local account is never sent to the provider, however old its session
    local.force_login(get_user_model().objects.create_user("local-officer", password="x" * 16))
    response = local.get("/incidents/")
    assert not response.get("Location", "").startswith(settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


def test_our_second_factor_unless_the_provider_used_one_and_the_rule_is_configurable(live_server, sso, settings):
    sso.add("siri", ["stolav-privacy"])
    session, url = sign_in_over_http(live_server.url, "siri", mfa=False)
    assert url.startswith(live_server.url + "/account/two-factor/")  # a password alone: our TOTP first

    session, url = sign_in_over_http(live_server.url, "siri", mfa=True)
    assert url == live_server.url + "/"

    settings.OIDC_TRUST_PROVIDER_MFA = False
    session, url = sign_in_over_http(live_server.url, "siri", mfa=True)
    assert url.startswith(live_server.url + "/account/two-factor/")


def test_without_configuration_there_is_no_sso(live_server, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert requests.get(f"{live_server.url}/oidc/authenticate/", timeout=10).status_code == 404
    assert 'id="sso-login"' not in requests.get(f"{live_server.url}/accounts/login/", timeout=10).text


def test_signing_out_ends_the_session_at_the_provider_too(live_server, sso, settings):
    """RP-initiated logout: our sign-out sends an SSO user on to the provider's end-session endpoint with the ID
    token as hint, and the provider sends them back to our login page; their next sign-in asks for the password
    again. A local account's sign-out stays with us."""
    sso.add("siri", ["stolav-privacy"])
    session, url = sign_in_over_http(live_server.url, "siri")
    assert url == live_server.url + "/"
    again = session.get(f"{live_server.url}/oidc/authenticate/", timeout=10)
    assert again.url == live_server.url + "/"  # the provider's session signs her in without a password

    csrf = session.cookies["csrftoken"]
    out = session.post(
        f"{live_server.url}/accounts/logout/",
        headers={"X-CSRFToken": csrf, "Referer": live_server.url + "/"},
        timeout=10,
        allow_redirects=False,
    )
    assert out.status_code == 302
    location = out.headers["Location"]
    assert location.startswith(settings.OIDC_OP_LOGOUT_ENDPOINT + "?")
    params = dict(parse_qsl(urlsplit(location).query))
    assert params["post_logout_redirect_uri"] == live_server.url + "/accounts/login/"
    assert params["client_id"] == CLIENT_ID and params["id_token_hint"].count(".") == 2
    assert session.get(live_server.url + "/", timeout=10, allow_redirects=False).status_code == 302  # out here

    confirm = session.get(location, timeout=10)  # the provider asks whether to sign out there too
    form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', confirm.text, re.S)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    target = requests.compat.urljoin(confirm.url, form.group(1))
    done = session.post(target, data={**fields, "logout": "yes"}, timeout=10)
    assert done.url == live_server.url + "/accounts/login/"
    page = session.get(f"{live_server.url}/oidc/authenticate/", timeout=10)
    assert 'id="sign-in"' in page.text  # the provider's session is gone: the password is asked again

    local = Client()
    local.force_login(get_user_model().objects.create_user("local-officer", password="x" * 16))
    assert local.post("/accounts/logout/")["Location"] == "/accounts/login/"

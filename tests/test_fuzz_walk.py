"""The URLconf walked with hostile input (issue "Trust", section 3).

For every URL in the authorisation matrix, as every persona: hypothesis sends generated values to every
field of the page's forms (POST) and to every list filter, sort, page and page-size parameter (GET):
unicode, NUL, huge integers, 10,000-character strings, dates at both ends of the calendar, and the page's
own option values so that the walk gets past the first check. No answer may be a 5xx, and an answer that
is not a redirect (a form error, a 403, a 404) must leave the register exactly as it was.

CI runs it on SQLite and on PostgreSQL; ``FUZZ_EXAMPLES`` sets the examples per URL (default 6).
"""

import os
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_authorization import MATRIX, PERSONAS, objects
from tests.test_fuzz import HOSTILE

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
WALK = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Pages that act on the session or talk to the outside rather than the register: walked with GET only.
GET_ONLY = {"logout", "login", "set_language", "password_reset", "password_change", "twofactor_setup"}
GET_ONLY |= {"twofactor_verify", "twofactor_remove", "twofactor_recovery_codes", "password_reset_confirm"}
SKIP = {"admin:index", "healthz"}  # Django admin is Django's; healthz takes no input
REGISTER_APPS = ("compliance", "risks", "incidents")

hostile = st.one_of(st.text(max_size=60), st.sampled_from(HOSTILE))


class FormFields(HTMLParser):
    """Names of every field in the page's forms, split by method, with the option values each offers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields = {"get": {}, "post": {}}
        self.method = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.method = (attrs.get("method") or "get").lower()
            return
        if self.method is None:
            return
        name = attrs.get("name")
        if tag in ("input", "textarea", "select") and name and name not in ("csrfmiddlewaretoken",):
            if attrs.get("type") in ("submit", "button", "file"):
                return
            options = self.fields[self.method].setdefault(name, [])
            if attrs.get("value") is not None:
                options.append(attrs["value"])
            self.select = name if tag == "select" else None
        elif tag == "option" and self.select is not None:
            self.fields[self.method][self.select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.method = None
        elif tag == "select":
            self.select = None


def field_names(html: str) -> dict:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def register_counts() -> dict:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in REGISTER_APPS
    }


def values_for(draw, fields: dict, extra: tuple = ()) -> dict:
    data = {}
    for name, options in {**fields, **{name: [] for name in extra}}.items():
        choice = st.sampled_from(options) if options else hostile
        if draw(st.booleans()):
            data[name] = draw(st.one_of(hostile, choice))
    return data


WALKED = [name for name in MATRIX if name not in SKIP]


@pytest.fixture
def ids():
    """The authorisation matrix's objects, made once per URL (the examples share them)."""
    return objects()


@pytest.mark.parametrize("url_name", WALKED)
@WALK
@given(data=st.data())
def test_hostile_input_never_gives_a_5xx_nor_a_partial_save(url_name, ids, data):
    args, _expected = MATRIX[url_name]
    persona = data.draw(st.sampled_from(PERSONAS), label="persona")
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(get_user_model().objects.get(username=persona))
    url = reverse(url_name, args=[ids.get(a, a) for a in args])
    page = client.get(url)
    assert page.status_code < 500, f"GET {url} as {persona}: {page.status_code}"
    html = page.content.decode(errors="replace") if page.get("Content-Type", "").startswith("text/html") else ""
    fields = field_names(html)

    query = values_for(data.draw, fields["get"], ("sort", "page", "per_page", "_export"))
    response = client.get(url, query)
    assert response.status_code < 500, f"GET {url} {query!r} as {persona}: {response.status_code}"
    if response.streaming:
        b"".join(response.streaming_content)  # an export that fails half-way is a 5xx too

    if url_name in GET_ONLY or not fields["post"]:
        return
    form = values_for(data.draw, fields["post"])
    before = register_counts()
    response = client.post(url, form)
    assert response.status_code < 500, f"POST {url} {form!r} as {persona}: {response.status_code}"
    if response.status_code != 302:
        assert register_counts() == before, f"POST {url} as {persona} answered {response.status_code} but saved"


KILLERS = ["\x00", "²", "99999999999999999999", "-1", "x" * 10_000, "0001-01-01", "9999-12-31T23:59"]


def _base_form(html: str) -> dict:
    from tests.factories import _FormParser

    parser = _FormParser()
    parser.feed(html)
    return max(parser.forms, key=len) if parser.forms else {}


@pytest.mark.parametrize("url_name", WALKED)
def test_every_field_meets_every_killer_value(url_name, ids, login, alice):
    """Deterministic: one field at a time gets each killer value, the rest keep the page's own values, so
    each value reaches the validation of each field (hypothesis above varies the rest and the persona)."""
    args, _expected = MATRIX[url_name]
    client = login(alice)
    url = reverse(url_name, args=[ids.get(a, a) for a in args])
    page = client.get(url)
    html = page.content.decode(errors="replace") if page.get("Content-Type", "").startswith("text/html") else ""
    fields = field_names(html)
    for name in [*fields["get"], "sort", "page", "per_page"]:
        for value in KILLERS:
            response = client.get(url, {name: value})
            assert response.status_code < 500, f"GET {url} {name}={value[:20]!r}: {response.status_code}"
    if url_name in GET_ONLY or not fields["post"]:
        return
    base = _base_form(html)
    for name in fields["post"]:
        for value in KILLERS:
            before = register_counts()
            response = client.post(url, {**base, name: value})
            assert response.status_code < 500, f"POST {url} {name}={value[:20]!r}: {response.status_code}"
            if response.status_code != 302:
                assert register_counts() == before, f"POST {url} {name}={value[:20]!r} saved without success"

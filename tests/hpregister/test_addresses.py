"""hpregister.addresses.address() gives what reverse() gives, for every route of the project."""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse, set_script_prefix
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from hpregister.addresses import PROBE, address


def arguments(pattern):
    """(how many arguments a piece of a route takes, whether each is an int)."""
    if isinstance(pattern, RoutePattern):
        return len(pattern.converters), all(isinstance(c, IntConverter) for c in pattern.converters.values())
    return pattern.regex.groups, pattern.regex.groups == 0  # a regular expression's groups: taken as text


def routes(resolver=None, namespace="", taken=(0, True)):
    """(name, number of arguments, all of them int) for every named route of the URL conf."""
    for entry in (resolver or get_resolver()).url_patterns:
        count, ints = arguments(entry.pattern)
        here = (taken[0] + count, taken[1] and ints)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry, inner, here)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", *here


KEYED = sorted({name for name, count, ints in routes() if count == 1 and ints})
PLAIN = sorted({name for name, count, _ints in routes() if count == 0})


def test_the_project_has_routes_of_both_kinds():
    assert "incidents:incident_detail" in KEYED and "risks:risk_detail" in KEYED and len(KEYED) > 20
    assert "dashboard" in PLAIN and "incidents:incident_list" in PLAIN


@pytest.mark.parametrize("name", PLAIN)
def test_a_route_without_arguments(name):
    assert address(name) == reverse(name)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(KEYED), pk=st.one_of(st.integers(0, 20), st.integers(0, 2**63 - 1), st.just(PROBE)))
def test_a_route_with_a_key(name, pk):
    assert address(name, pk) == reverse(name, args=[pk])


def test_it_follows_the_script_prefix_and_the_language():
    expected = reverse("incidents:incident_detail", args=[42])
    set_script_prefix("/register/")
    try:
        assert address("incidents:incident_detail", 42) == "/register" + expected
        assert address("dashboard") == reverse("dashboard")
    finally:
        set_script_prefix("/")
    assert address("incidents:incident_detail", 42) == expected
    with translation.override("en"):
        assert address("incidents:incident_detail", 42) == reverse("incidents:incident_detail", args=[42])


@pytest.mark.urls("tests.floor_urls")
def test_it_follows_another_url_conf():
    assert address("incidents:incident_detail", 3) == reverse("incidents:incident_detail", args=[3])


def test_what_is_not_a_key_is_reverse_s_own():
    for bad in (None, -1, "7", 1.5, True):
        try:
            expected = reverse("incidents:incident_detail", args=[bad])
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                address("incidents:incident_detail", bad)
        else:
            assert address("incidents:incident_detail", bad) == expected
    with pytest.raises(NoReverseMatch):
        address("no_such_route")
    with pytest.raises(NoReverseMatch):
        address("dashboard", 5)


def test_records_link_to_their_pages(alice):
    from incidents.models import Incident
    from tests.factories import make_incident

    incident = make_incident()
    assert incident.get_absolute_url() == reverse("incidents:incident_detail", args=[incident.pk])
    with pytest.raises(NoReverseMatch):
        Incident().get_absolute_url()  # not saved yet: no page, as with reverse()

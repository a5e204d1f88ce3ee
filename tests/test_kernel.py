import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from hpregister.access import Access
from hpregister.celery import app as celery_app
from hpregister.models import Membership

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"broker": "ok", "database": "ok", "status": "ok"}


def test_healthz_is_503_when_the_broker_is_unreachable(client):
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        celery_app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"
    assert response.json()["database"] == "ok"


def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OSError("database down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_demo_users_are_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("createdemousers")


def test_demo_users_are_created_once_with_their_roles(settings, django_user_model, client):
    settings.DEBUG = True
    call_command("createdemousers", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("createdemousers", stdout=open(os.devnull, "w"))  # noqa: SIM115
    names = {"admin", "hpas.personvern", "stolav.personvern", "melhus.personvern", "leder"}
    assert set(django_user_model.objects.filter(username__in=names).values_list("username", flat=True)) == names
    assert django_user_model.objects.get(username="admin").is_superuser
    leder = django_user_model.objects.get(username="leder")
    assert set(Membership.objects.filter(user=leder).values_list("organisation__name", "role")) == {
        ("Helse Midt-Norge RHF", "manager"),
        ("St. Olavs hospital HF", "manager"),
    }
    assert Access.for_user(django_user_model.objects.get(username="hpas.personvern")).sees_all
    response = client.post(reverse("login"), {"username": "melhus.personvern", "password": "demo-pass-2026"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_login_page_logs_a_user_in_with_a_password(client, django_user_model):
    django_user_model.objects.create_user("pwuser", password="correct-horse-battery")
    response = client.post(reverse("login"), {"username": "pwuser", "password": "wrong"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(reverse("login"), {"username": "pwuser", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_pages_are_in_bokmal_by_default_and_english_on_request(login, alice):
    client = login(alice)
    html = client.get(reverse("compliance:gap_list")).content.decode()
    assert '<html lang="nb"' in html and "Eksporter" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("compliance:gap_list")).content.decode()
    assert '<html lang="en"' in html and "Export" in html


def test_base_page_has_skip_link_labels_and_one_h1(login, alice):
    html = login(alice).get(reverse("compliance:gap_list")).content.decode()
    assert 'href="#main"' in html and html.count("<h1") == 1
    assert '<label class="ds-label" for="id_q">' in html


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "prod-" + "k3y-Z" * 12,
        "ALLOWED_HOSTS": "hpregister.example.no",
        "HPREGISTER_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DEBUG": "0", "HPREGISTER_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_bokmal_is_the_default_even_for_an_english_browser(login, alice):
    client = login(alice)
    html = client.get(reverse("compliance:gap_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="nb"' in html


def test_the_benchmark_runs_end_to_end_at_a_tiny_size(tmp_path):
    """The benchmark (figures in README.md) must keep working as the code changes: every page it measures
    answers 200, the sweep finds its due rows, the export streams every incident."""
    from django.core.management import call_command

    output = tmp_path / "results.md"
    call_command(
        "benchmark",
        "--yes",
        "--incidents=40",
        "--risks=5",
        "--subprocessors=3",
        "--deadline-rows=10000",
        "--repeat=1",
        f"--output={output}",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    report = output.read_text()
    for label in ("Incident list, deep page", "Admin incident change list", "Top-10 page", "Dashboard"):
        assert f"| {label}" in report
    assert "| 10 000 | 1000 |" in report  # 1 000 due measures found among 10 000 rows
    assert "| 40 |" in report  # all 40 incidents exported


def test_an_untested_django_tables2_version_is_announced(monkeypatch):
    import django_tables2

    from hpregister.apps import tables2_version_check

    assert tables2_version_check(None) == []  # the pinned version
    monkeypatch.setattr(django_tables2, "__version__", "3.1.0")
    assert [w.id for w in tables2_version_check(None)] == ["hpregister.W001"]

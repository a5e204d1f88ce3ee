"""docs/api.md's Python client, run as written against a live server."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from hpregister.models import ApiToken, Organisation
from incidents.models import Incident

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


@pytest.mark.django_db(transaction=True)
def test_the_documented_python_client_registers_a_breach_and_reads_its_deadline(
    live_server, reference_data, django_user_model, capsys
):
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    namespace = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation's example
    bob = django_user_model.objects.get(username="bob")
    _, key = ApiToken.issue(bob, name="docs", days=1, read_only=False)
    aware = (timezone.now() - dt.timedelta(hours=1)).replace(second=0, microsecond=0)  # the form keeps minutes
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    incident = namespace["register_breach"](live_server.url, key, stolav.pk, aware.isoformat())
    assert Incident.objects.get(pk=incident["id"]).aware_at == aware
    assert dt.datetime.fromisoformat(incident["deadline"]) == aware + dt.timedelta(hours=72)
    assert f"{incident['reference']}: notify Datatilsynet by" in capsys.readouterr().out

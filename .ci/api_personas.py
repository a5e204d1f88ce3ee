"""Two API personas for schemathesis (.ci/schemathesis.sh), run with `manage.py shell`: a privacy officer of
Helseplattformen AS (sees and changes every organisation's records) and one of St. Olavs hospital HF (only
theirs). Prints "name key" per line: each gets a personal API token, as a script would."""

from django.contrib.auth import get_user_model

from hpregister.choices import Role
from hpregister.models import ApiToken, Membership, Organisation

for username, organisation in (("api-operator", "Helseplattformen AS"), ("api-stolav", "St. Olavs hospital HF")):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": f"{username}@example.test"})
    Membership.objects.get_or_create(
        user=user, organisation=Organisation.objects.get(name=organisation), role=Role.PRIVACY_OFFICER
    )
    _token, key = ApiToken.issue(user, name="schemathesis", days=1, read_only=False)
    print(username, key)

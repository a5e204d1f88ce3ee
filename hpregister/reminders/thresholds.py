"""Reminder thresholds as text (``-14d, -3d, -12h, 0``): the rules' one pure piece, used by the ledger's
rule model to validate what administrators type and by the sweep to find what is due."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

OFFSET = re.compile(r"^([+-]?)(\d+)([dhm]?)$")
UNITS = {"d": "days", "h": "hours", "m": "minutes", "": "days"}


def parse_thresholds(text: str) -> list[tuple[str, dt.timedelta]]:
    """'-14d, -3d, 0' -> [('-14d', -14 days), ('-3d', -3 days), ('0', 0)], sorted, earliest first."""
    result = []
    for raw in text.split(","):
        token = raw.strip().replace(" ", "")
        if not token:
            continue
        match = OFFSET.match(token)
        if not match:
            raise ValueError(_("%(token)s is not an offset like -14d, -12h or 0.") % {"token": token})
        sign, amount, unit = match.groups()
        delta = dt.timedelta(**{UNITS[unit]: int(amount)})
        result.append((token if token != "0" else "0", -delta if sign == "-" else delta))
    if not result:
        raise ValueError(_("Give at least one threshold."))
    return sorted(result, key=lambda item: item[1])

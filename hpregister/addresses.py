"""A record's address at the cost of a dictionary lookup: ``reverse()`` made once per route, then filled in.

``reverse()`` takes about 40 µs. A list draws a link to each of its rows, and every page draws its navigation:
an incident list reversed 74 addresses per request, 3 ms of its time. Every route here with a record's key
is ``<int:pk>``, and an integer is written into a URL as its digits, so the address of record 7 is the
address of any other record with the number changed. ``address()`` reverses a route once (per URL conf,
script prefix and language) with a probe number, and then puts each record's number where the probe was.
Anything else (a text or negative argument, keyword arguments, a route not found) is ``reverse()``'s own.
"""

from __future__ import annotations

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

PROBE = 7_319_468_205_531_977  # digits that no route of ours has anywhere else
_FORMS: dict[tuple, tuple[str, str] | None] = {}


def address(viewname: str, *args: int) -> str:
    """``reverse(viewname, args=args)`` for no argument or one positive integer (a primary key)."""
    if len(args) > 1 or (args and not (type(args[0]) is int and args[0] >= 0)):
        return reverse(viewname, args=args)
    key = (get_resolver(get_urlconf()), get_script_prefix(), get_language(), viewname, bool(args))
    try:
        form = _FORMS[key]
    except KeyError:
        form = _FORMS[key] = _form(viewname, bool(args))
    if form is None:
        return reverse(viewname, args=args)
    head, tail = form
    return f"{head}{args[0]}{tail}" if args else head


def _form(viewname: str, takes_key: bool) -> tuple[str, str] | None:
    """The route's address split where the key goes ((address, "") without one); None: leave it to reverse()."""
    if not takes_key:
        return reverse(viewname), ""
    probed = reverse(viewname, args=[PROBE])
    head, found, tail = probed.partition(str(PROBE))
    if not found or str(PROBE) in tail:
        return None
    return head, tail

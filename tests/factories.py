"""Small builders for test data (plain functions: the models are few and explicit)."""

import datetime as dt
import itertools
from html.parser import HTMLParser

from hpregister.models import Organisation
from hpregister.timeutils import OSLO
from incidents.choices import IncidentCategory, RiskLevel
from incidents.models import Incident, IncidentMeasure, Notification

_counter = itertools.count(1)


def oslo(*args) -> dt.datetime:
    """An aware datetime for a wall-clock time in Oslo (fold=0)."""
    return dt.datetime(*args, tzinfo=OSLO)


def make_incident(organisations=("St. Olavs hospital HF",), **fields) -> Incident:
    n = next(_counter)
    values = {
        "title": f"Breach {n}",
        "description": "Journal opened without a care relation.",
        # Not snooping: a snooping breach opens a staff follow-up case (log control), which tests of other
        # duties would have to close too. Those tests say category=SNOOPING.
        "category": IncidentCategory.MISDIRECTED,
        "breach_confidentiality": True,
        "discovered_at": oslo(2026, 11, 20, 9, 0),
        "aware_at": oslo(2026, 11, 20, 10, 0),
        "how_known": "log_review",
    }
    values.update(fields)
    incident = Incident.objects.create(**values)
    incident.organisations.set([Organisation.objects.get(name=name) for name in organisations])
    return incident


def assessed(incident, level=RiskLevel.RISK):
    incident.risk_level = level
    incident.risk_rationale = "Health data of a few patients seen by one employee."
    incident.save()
    return incident


def notify(incident, sent_at, phase="initial", **fields):
    notification = Notification(incident=incident, phase=phase, sent_at=sent_at, **fields)
    notification.full_clean()
    notification.save()
    incident.refresh_status()
    return notification


def measure(incident, **fields):
    values = {"description": "Talk to the employee", "due_on": dt.date(2026, 12, 1)}
    values.update(fields)
    return IncidentMeasure.objects.create(incident=incident, **values)


class _FormParser(HTMLParser):
    """What a browser would submit for each <form method="post"> of a page, as dicts of value lists."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.in_form = True
            self.data = {}
            self.forms.append(self.data)
        if not self.in_form or "name" not in attrs and tag not in ("option",):
            return
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select":
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea:
                self.data[self.textarea][0] = self.data[self.textarea][0].removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.in_form = False


def submitted_form(response) -> dict[str, list[str]]:
    """The values the page's main post form (the one with most fields) would send unchanged, as a browser
    builds them."""
    parser = _FormParser()
    parser.feed(response.content.decode())
    return max(parser.forms, key=len)


SVG_NUMBERS = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "stroke-width", "font-size"}


class _SvgParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs, self.depth, self.bad, self.shapes = 0, 0, [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svgs += 1
            self.depth += 1
        if not self.depth:
            return
        if tag in ("rect", "line", "circle", "polyline", "path"):
            self.shapes += 1
        for name, value in attrs:
            if name in SVG_NUMBERS and tag != "svg":
                try:
                    float(value)
                except (TypeError, ValueError):
                    self.bad.append(f"<{tag} {name}={value!r}>")
        if tag == "svg":
            for number in dict(attrs).get("viewbox", "").split():
                try:
                    float(number)
                except ValueError:
                    self.bad.append(f"<svg viewBox … {number!r}>")

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1


def svg_problems(html: str) -> tuple[int, int, list[str]]:
    """(charts, shapes, attributes a browser cannot read as numbers) of a page's inline SVG charts: a decimal
    comma (``y1="280,0"``) makes a browser drop the shape, so nothing is drawn."""
    parser = _SvgParser()
    parser.feed(html)
    return parser.svgs, parser.shapes, parser.bad

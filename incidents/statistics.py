"""Breaches per year and category: live incidents plus the historical counts, as a table and an SVG chart."""

from __future__ import annotations

from django import forms
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from hpregister.filters import visible_organisations
from hpregister.forms import StyledFormMixin
from hpregister.timeutils import OSLO

from .choices import IncidentCategory, IncidentStatus
from .models import BreachCount, Incident, RootCause

# Distinct in hue and lightness, so neighbouring segments differ in greyscale too.
PALETTE = ["#1e3a8a", "#f59e0b", "#0f766e", "#be185d", "#6b7280", "#84cc16", "#7c3aed"]
CHART = {"width": 720, "height": 320, "left": 48, "bottom": 40, "top": 16, "bar": 56}


class StatisticsFilter(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, required=False, label=_("Organisation"))
    root_cause = forms.ModelChoiceField(queryset=RootCause.objects.all(), required=False, label=_("Root cause"))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = visible_organisations(request)


def breach_statistics(request) -> dict:
    form = StatisticsFilter(request.GET or None, request=request)
    organisation = form.cleaned_data.get("organisation") if form.is_valid() else None
    root_cause = form.cleaned_data.get("root_cause") if form.is_valid() else None
    incidents = Incident.objects.visible_to(request.user).exclude(status=IncidentStatus.WITHDRAWN)
    if organisation:
        incidents = incidents.filter(organisations=organisation)
    historical = BreachCount.objects.visible_to(request.user)
    if root_cause:
        incidents = incidents.filter(root_cause=root_cause)
        historical = historical.filter(root_cause=root_cause)
    live = (
        incidents.annotate(aware_year=ExtractYear("aware_at", tzinfo=OSLO))
        .values("aware_year", "category")
        .annotate(n=Count("pk", distinct=True))
    )
    counts: dict[tuple[int, str], dict[str, int]] = {}
    for row in live:
        counts.setdefault((row["aware_year"], row["category"]), {"live": 0, "historical": 0})["live"] += row["n"]
    # The historical figures are platform-wide: they cannot be split by organisation.
    if organisation is None:
        for row in historical.values("year", "category", "count"):
            counts.setdefault((row["year"], row["category"]), {"live": 0, "historical": 0})["historical"] += row[
                "count"
            ]

    years = sorted({year for year, _category in counts})
    categories = [c for c in IncidentCategory if any((y, c.value) in counts for y in years)]
    table = []
    for year in years:
        cells = []
        for category in categories:
            cell = counts.get((year, category.value), {"live": 0, "historical": 0})
            cells.append({**cell, "total": cell["live"] + cell["historical"]})
        table.append({"year": year, "cells": cells, "total": sum(c["total"] for c in cells)})
    return {
        "title": _("Breach statistics"),
        "form": form,
        "organisation": organisation,
        "categories": [{"label": c.label, "colour": PALETTE[i % len(PALETTE)]} for i, c in enumerate(categories)],
        "table": table,
        "chart": _chart(table, len(categories)),
    }


def _chart(table, n_categories) -> dict:
    """Stacked bars, one per year; coordinates computed here so the template only draws."""
    c = CHART
    plot_height = c["height"] - c["top"] - c["bottom"]
    peak = max([row["total"] for row in table] + [1])
    step = max(1, _nice_step(peak))
    top = ((peak + step - 1) // step) * step
    scale = plot_height / top
    slot = (c["width"] - c["left"]) / max(len(table), 1)
    bars = []
    for index, row in enumerate(table):
        x = c["left"] + index * slot + (slot - c["bar"]) / 2
        y = c["height"] - c["bottom"]
        segments = []
        for cat_index, cell in enumerate(row["cells"]):
            height = cell["total"] * scale
            y -= height
            if cell["total"]:
                segments.append(
                    {
                        "y": round(y, 1),
                        "height": round(height, 1),
                        "value": cell["total"],
                        "colour": PALETTE[cat_index % len(PALETTE)],
                        "label_y": round(y + height / 2 + 4, 1),
                        "show_label": height >= 14,
                    }
                )
        bars.append(
            {
                "x": round(x, 1),
                "label_x": round(x + c["bar"] / 2, 1),
                "year": row["year"],
                "total": row["total"],
                "total_y": round(y - 4, 1),
                "segments": segments,
            }
        )
    ticks = [{"value": v, "y": round(c["height"] - c["bottom"] - v * scale, 1)} for v in range(0, top + 1, step)]
    return {**c, "bars": bars, "ticks": ticks, "axis_y": c["height"] - c["bottom"], "year_y": c["height"] - 16}


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if peak / step <= 6:
            return step
    return 1000

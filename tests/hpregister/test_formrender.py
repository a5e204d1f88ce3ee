"""Django's widgets drawn in Python (hpregister.formrender) are byte for byte what their templates draw."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.test import override_settings
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpregister.formrender import escaped
from hpregister.forms import FormRenderer

TRICKY = st.sampled_from(["<b>&\"'", "æøå Å", "=1+1", " ", "a\nb", "", "0"])
TEXTS = st.one_of(TRICKY, st.text(max_size=12))
SCALARS = st.one_of(
    TEXTS,
    st.integers(-(10**7), 10**7),
    st.decimals(-(10**6), 10**6, places=2, allow_nan=False),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)),
    st.builds(mark_safe, TRICKY),
    st.just(gettext_lazy("Yes")),
)
ATTRS = st.dictionaries(
    st.sampled_from(["class", "id", "placeholder", "data-x", "aria-describedby", "min", "required", "disabled"]),
    st.one_of(SCALARS, st.booleans(), st.none()),
    max_size=4,
)
OPTIONS = st.lists(st.tuples(st.one_of(TEXTS, st.integers(0, 99)), SCALARS), max_size=4)
CHOICES = st.lists(
    st.one_of(st.tuples(st.one_of(TEXTS, st.integers(0, 99)), SCALARS), st.tuples(TRICKY, OPTIONS)), max_size=5
)

PLAIN = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.CheckboxInput,
    forms.Textarea,
    forms.FileInput,
    lambda attrs: forms.PasswordInput(attrs, render_value=True),
]
CHOOSING = [
    forms.Select,
    forms.SelectMultiple,
    forms.CheckboxSelectMultiple,
    forms.RadioSelect,
    forms.NullBooleanSelect,
]


def both(render):
    """``render(renderer)`` by the project's renderer and by Django's templates alone."""
    return render(FormRenderer()), render(TemplatesSetting())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    widget=st.sampled_from(PLAIN),
    attrs=ATTRS,
    value=st.one_of(SCALARS, st.none()),
    extra=ATTRS,
    language=st.sampled_from(["nb", "en"]),
)
def test_an_input_is_drawn_as_its_template_draws_it(widget, attrs, value, extra, language):
    with translation.override(language):
        drawn, templated = both(lambda renderer: widget(attrs).render("field", value, extra, renderer=renderer))
    assert drawn == templated


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    widget=st.sampled_from(CHOOSING),
    attrs=ATTRS,
    choices=CHOICES,
    pick=st.lists(st.one_of(TEXTS, st.integers(0, 99)), max_size=2),
    language=st.sampled_from(["nb", "en"]),
    wrap=st.booleans(),
)
def test_a_choice_widget_and_its_options_are_drawn_as_their_templates_draw_them(
    widget, attrs, choices, pick, language, wrap
):
    made = widget(attrs) if widget is forms.NullBooleanSelect else widget(attrs, choices=choices)
    value = pick if isinstance(made, forms.SelectMultiple | forms.CheckboxSelectMultiple) else (pick or [None])[0]
    with translation.override(language):
        drawn, templated = both(lambda renderer: made.render("field", value, {"id": "id_field"}, renderer=renderer))
        assert drawn == templated
        # One check box or radio button at a time, as the field template draws them (BoundWidget.tag).
        for option in made.subwidgets("field", value, {"id": "id_field"}):
            context = {"widget": {**option, "wrap_label": wrap}}
            name = option["template_name"]
            assert FormRenderer().render(name, context) == TemplatesSetting().render(name, context)


def test_a_template_the_project_overrides_is_drawn_by_the_engine(tmp_path, settings):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "select_option.html").write_text(
        '<option data-own value="{{ widget.value }}">{{ widget.label }}</option>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    html = forms.Select(choices=[("a", "A")]).render("field", "a", renderer=FormRenderer())
    assert '<option data-own value="a">A</option>' in html


@pytest.mark.parametrize("widget", [forms.Select, forms.RadioSelect])
def test_an_option_with_a_template_of_its_own_is_drawn_by_the_engine(widget, tmp_path):
    own = tmp_path / "own_option.html"
    own.write_text("<i>{{ widget.label }}</i>")

    class Own(widget):
        option_template_name = "own_option.html"

    with override_settings(
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [tmp_path], "APP_DIRS": True}]
    ):
        html = Own(choices=[("a", "A")]).render("field", "a", renderer=FormRenderer())
    assert "<i>A</i>" in html


# --- The field template (templates/forms/field.html) drawn by formrender.field_group ----------------------


def field_by_template(bound_field) -> str:
    """What ``{% include "forms/field.html" %}`` draws for the field, through the template engine."""
    from django.template.loader import render_to_string

    return render_to_string("forms/field.html", {"field": bound_field})


FIELD_KINDS = [
    lambda **kw: forms.CharField(**kw),
    lambda **kw: forms.IntegerField(**kw),
    lambda **kw: forms.DateField(**kw),
    lambda **kw: forms.BooleanField(**kw),
    lambda **kw: forms.CharField(widget=forms.HiddenInput, **kw),
    lambda **kw: forms.CharField(widget=forms.Textarea, **kw),
    lambda **kw: forms.ChoiceField(choices=[("a", "<A>"), ("b", "Bø")], **kw),
    lambda **kw: forms.ChoiceField(choices=[("a", "<A>"), ("b", "Bø")], widget=forms.RadioSelect, **kw),
    lambda **kw: forms.MultipleChoiceField(choices=[("a", "A&"), ("b", "B")], **kw),
    lambda **kw: forms.MultipleChoiceField(
        choices=[("a", "A&"), ("b", "B")], widget=forms.CheckboxSelectMultiple, **kw
    ),
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(FIELD_KINDS),
    label=st.one_of(st.none(), TRICKY, st.builds(mark_safe, TRICKY), st.just(gettext_lazy("Yes"))),
    help_text=st.one_of(TRICKY, st.builds(mark_safe, TRICKY), st.just(gettext_lazy("Yes"))),
    required=st.booleans(),
    auto_id=st.sampled_from(["id_%s", "f-%s", "", False]),
    data=st.one_of(st.none(), st.lists(TEXTS, max_size=2)),  # as a request sends it: none, one or more values
    language=st.sampled_from(["nb", "en"]),
)
def test_a_field_is_drawn_as_the_field_template_draws_it(kind, label, help_text, required, auto_id, data, language):
    class Form(forms.Form):
        f = kind(label=label, help_text=help_text, required=required)

    with translation.override(language):
        if data is None:
            form = Form(auto_id=auto_id)
        else:
            form = Form(MultiValueDict({"f": data} if data else {}), auto_id=auto_id)
        if data is not None:
            form.is_valid()  # errors, where the data is not good
        bound_field = form["f"]
        assert str(bound_field.as_field_group()) == field_by_template(bound_field)


def project_filtersets():
    """Every FilterSet of the project's lists (the test binds each with good and bad data)."""
    import django_filters

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for filterset in subclasses(django_filters.FilterSet):
        if filterset.__module__.split(".")[0] in {
            "hpregister",
            "incidents",
            "risks",
            "compliance",
            "internalcontrol",
            "logcontrol",
            "webhooks",
        }:
            if filterset._meta.model is not None:
                yield filterset


@pytest.mark.django_db
def test_the_project_s_filter_forms_are_drawn_as_the_field_template_draws_them(rf, alice):
    filtersets = list(project_filtersets())
    assert len(filtersets) > 10
    for data in ({}, {"year": "x", "aware_after": "31.02.2026", "organisation": "999999", "q": "<b>"}):
        for filterset in filtersets:
            request = rf.get("/", data)
            request.user = alice
            form = filterset(request.GET, queryset=filterset._meta.model.objects.all(), request=request).form
            form.is_valid()
            for bound_field in form:
                assert str(bound_field.as_field_group()) == field_by_template(bound_field), (
                    filterset,
                    bound_field.name,
                )


def test_an_override_of_the_field_template_is_drawn_by_the_engine(tmp_path, settings):
    override = tmp_path / "forms"
    override.mkdir(parents=True)
    (override / "field.html").write_text("<p data-own>{{ field.label }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    class Form(forms.Form):
        name = forms.CharField(label="Name")

    assert str(Form()["name"].as_field_group()) == "<p data-own>Name</p>"


class Marked(str):
    """A str subclass with its own __html__, which escaping must respect as conditional_escape does."""

    def __html__(self):
        return f"<i>{self}</i>"


@given(st.one_of(SCALARS, st.builds(Marked, TEXTS), st.none()))
def test_escaped_is_conditional_escape(value):
    expected = conditional_escape(value)
    assert escaped(value) == expected
    assert type(escaped(value)) is type(expected)

"""Django's own form widgets, drawn in Python with the same bytes as their templates.

A list page's filter form drew each of its inputs, select options and check boxes through two to four
nested templates (``select.html`` includes ``select_option.html`` per option, which includes
``attrs.html``): a quarter of the incident list's time, more than its table. ``WidgetRenderer`` draws
Django's built-in widget templates as the functions below and everything else (the project's own widget
templates, a template a project or an app overrides) through the template engine as before.
``tests/hpregister/test_formrender.py`` holds every function to its template, byte for byte.
"""

from __future__ import annotations

import html
from pathlib import Path

import django.forms
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString

BUILT_IN = Path(django.forms.__file__).resolve().parent / "templates"
FIELD_TEMPLATE = "forms/field.html"  # the project's, drawn by field_group
PROJECT_FIELD_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / FIELD_TEMPLATE
WIDGETS = "django/forms/widgets/"


class Unsupported(Exception):
    """A widget this module does not draw (an option with a template of its own): the engine draws it."""


def escaped(value) -> SafeString:
    """``conditional_escape(value)``; plain text, most of what a page prints, without the lazy-argument check
    that Django's ``escape`` makes on every call (a third of its cost; a test compares the two)."""
    if type(value) is str:
        return SafeString(html.escape(value))
    return conditional_escape(value)


def text(value) -> str:
    """What ``{{ value }}`` prints (django.template.base.render_value_in_context with autoescape on)."""
    value = formats.localize(timezone.template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return escaped(value)


def formatted(value) -> str:
    """What ``{{ value|stringformat:'s' }}`` prints: safe text stays as it is (the filter is is_safe)."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        result = "%s" % value  # noqa: UP031 (the filter's own operation, kept for identical output)
    except (ValueError, TypeError):
        result = ""
    return result if isinstance(value, SafeData) else SafeString(html.escape(result))


def attrs(widget) -> str:
    """attrs.html: ``name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {text(name)}" if value is True else f' {text(name)}="{formatted(value)}"'
        for name, value in widget["attrs"].items()
        if value is not False
    )


def input_(widget) -> str:
    value = widget["value"]
    shown = f' value="{formatted(value)}"' if value is not None else ""
    return f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{shown}{attrs(widget)}>\n'


def input_option(widget) -> str:
    if not widget.get("wrap_label"):
        return input_(widget) + "\n"
    target = widget["attrs"].get("id")
    label_for = f' for="{text(target)}"' if target else ""
    return f"<label{label_for}>{input_(widget)} {text(widget['label'])}</label>\n"


def select_option(widget) -> str:
    return f'<option value="{formatted(widget["value"])}"{attrs(widget)}>{text(widget["label"])}</option>\n'


def select(widget, nested) -> str:
    parts = [f'<select name="{text(widget["name"])}"{attrs(widget)}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{text(group)}">')
        parts.extend("\n  " + nested(option) for option in options)
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def multiple_input(widget, nested) -> str:
    own = widget["attrs"]
    parts = ["<div"]
    if own.get("id"):
        parts.append(f' id="{text(own["id"])}"')
    if own.get("class"):
        parts.append(f' class="{text(own["class"])}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{text(group)}</label>")
        parts.extend(f"<div>\n    {nested(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def textarea(widget) -> str:
    value = widget["value"]
    return f'<textarea name="{text(widget["name"])}"{attrs(widget)}>\n{text(value) if value else ""}</textarea>\n'


def _included(function):
    """A template that is ``{% include "…" %}`` and a line break."""
    return lambda widget, nested: function(widget, nested) + "\n"


def _plain(function):
    """A template that includes no option template of its own choosing."""
    return lambda widget, nested: function(widget)


DRAWN = {
    WIDGETS + "input.html": _plain(input_),
    **{
        f"{WIDGETS}{name}.html": _included(_plain(input_))
        for name in (
            "checkbox",
            "color",
            "date",
            "datetime",
            "email",
            "file",
            "hidden",
            "number",
            "password",
            "search",
            "tel",
            "text",
            "time",
            "url",
        )
    },
    WIDGETS + "input_option.html": _plain(input_option),
    WIDGETS + "checkbox_option.html": _included(_plain(input_option)),
    WIDGETS + "radio_option.html": _included(_plain(input_option)),
    WIDGETS + "select.html": select,
    WIDGETS + "select_option.html": _plain(select_option),
    WIDGETS + "multiple_input.html": multiple_input,
    WIDGETS + "checkbox_select.html": _included(multiple_input),
    WIDGETS + "radio.html": _included(multiple_input),
    WIDGETS + "textarea.html": _plain(textarea),
}


REQUIRED_MARK = '<span class="hp-required" aria-hidden="true"> *</span>'


def field_group(field) -> str:
    """templates/forms/field.html: a field's label, help, widget and errors in Designsystemet's markup.

    The template is the reference; this draws the same bytes without the engine's per-variable lookups (its
    twelve fields cost an incident list as much as their widgets)."""
    if field.is_hidden:
        return text(field) + "\n"
    errors = field.errors
    help_text = field.help_text
    required = REQUIRED_MARK if field.field.required else ""
    auto_id = text(field.auto_id) if help_text or errors else ""
    helped = f'<div data-field="description" id="{auto_id}_helptext">{text(help_text)}</div>' if help_text else ""
    shown_errors = "".join(
        f'<div class="ds-validation-message" data-color="danger" id="{auto_id}_error">{text(error)}</div>'
        for error in errors
    )
    if field.widget_type in ("checkboxselectmultiple", "radioselect"):
        described = ""
        if help_text or errors:
            described = ' aria-describedby="{}{}"'.format(
                f"{auto_id}_helptext " if help_text else "", f"{auto_id}_error" if errors else ""
            )
        options = "".join(
            f'<div class="hp-choice">{text(option.tag())}<label for="{text(option.id_for_label)}">'
            f"{text(option.choice_label)}</label></div>"
            for option in field
        )
        return (
            f'\n<fieldset class="ds-fieldset hp-choices"{described}>\n'
            f'  <legend class="ds-label">{text(field.label)}{required}</legend>\n'
            f"  {helped}\n  {options}\n  {shown_errors}\n</fieldset>\n"
        )
    label = field.label
    labelled = (
        f'<label class="ds-label" for="{text(field.id_for_label)}">{text(label)}{required}</label>' if label else ""
    )
    return f'\n<div class="ds-field">\n  {labelled}\n  {helped}\n  {text(field)}\n  {shown_errors}\n</div>\n'


class WidgetRenderer:
    """A form renderer mixin: Django's built-in widget templates drawn by the functions above, as long as
    the engine would load Django's own file for them (an override in templates/ is used as written)."""

    def loads_from(self, template_name, reference: Path) -> bool:
        """Whether the engine loads ``template_name`` from ``reference`` (a file, or a folder of them), and not
        from an override: only then may a function here draw it in the template's place."""
        known = self.__dict__.setdefault("_loads_from", {})
        if (template_name, reference) not in known:
            origin = Path(self.get_template(template_name).origin.name).resolve()
            known[template_name, reference] = origin.is_relative_to(reference)
        return known[template_name, reference]

    def drawn(self, template_name):
        """The function that draws the widget template ``template_name``, or None where the engine must."""
        function = DRAWN.get(template_name)
        return function if function is not None and self.loads_from(template_name, BUILT_IN) else None

    def nested(self, option) -> str:
        """``{% include option.template_name with widget=option %}``."""
        function = self.drawn(option["template_name"])
        if function is None:
            raise Unsupported(option["template_name"])
        return function(option, self.nested)

    def render(self, template_name, context, request=None):
        if template_name == FIELD_TEMPLATE and self.loads_from(FIELD_TEMPLATE, PROJECT_FIELD_TEMPLATE):
            return field_group(context["field"])
        function = self.drawn(template_name)
        widget = context.get("widget") if function is not None else None
        if isinstance(widget, dict):
            try:
                return function(widget, self.nested).strip()
            except Unsupported:
                pass
        return super().render(template_name, context, request=request)

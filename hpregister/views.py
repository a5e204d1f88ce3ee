"""Generic views: every register model's list, detail and edit pages are configuration on these.

Each view scopes its queryset with ``visible_to(request.user)``: an object outside the user's
organisations is a 404, a read-only role asking to edit gets a 403.
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.validators import EMPTY_VALUES
from django.db import IntegrityError, connection, transaction
from django.http import JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export.views import ExportMixin

from . import bulk, versions
from .access import Access
from .bulk import BulkForm
from .exportjobs import export_response
from .exports import record_response
from .filters import OrganisationFilterSet, SecurityEventFilterSet
from .forms import TaskFilterForm
from .history import display_value, history_entries
from .inbox import DEFAULT_HORIZON, HORIZONS, my_tasks
from .models import FormSubmission, Organisation, SavedFilter, SecurityEvent
from .registry import dashboard_panels, search_sources, task_sources
from .tables import KeySource, LateRowPaginator, OrganisationTable, SecurityEventTable

FORM_TOKEN = "_form_token"


def submitted_token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FORM_TOKEN, ""))
    except ValueError:
        return None


def made_with(token: uuid.UUID | None, user):
    """What the add form carrying ``token`` made for ``user``, or None (a new token, or someone else's)."""
    if token is None:
        return None
    earlier = FormSubmission.objects.filter(token=token, user=user).first()
    return earlier.created_object() if earlier is not None else None


def claim_submission(token: uuid.UUID, user):
    """(submission, None) for a new token; (None, object) when this token has already made an object.

    The unique token decides between two requests racing with the same form: the second INSERT waits for
    the first transaction and then fails, and by then the first one's object is committed and found."""
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, user=user), None
    except IntegrityError:
        made = made_with(token, user)
        if made is None:
            raise PermissionDenied from None  # someone else's token, or one whose object is gone
        return None, made


def existing_url_name(name: str, args=()) -> str | None:
    """``name`` if the URLconf has it (e.g. ``risks:risk_add``), else None: not every model has every view."""
    try:
        reverse(name, args=list(args))
    except NoReverseMatch:
        return None
    return name


class ScopedMixin:
    """Limit the queryset to what the user may see."""

    model = None
    queryset = None

    def get_queryset(self):
        qs = self.queryset if self.queryset is not None else self.model.objects.all()
        return qs.all().visible_to(self.request.user)

    def get_model(self):
        return self.model if self.model is not None else self.queryset.model

    @property
    def access(self) -> Access:
        return Access.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        model = self.get_model()
        ctx.setdefault("model_meta", model._meta)
        ctx.setdefault("can_add", self.access.can_add(model) and self.add_url_name() is not None)
        return ctx

    def add_url_name(self):
        meta = self.get_model()._meta
        return existing_url_name(f"{meta.app_label}:{meta.model_name}_add")


class ObjectListView(ScopedMixin, ExportMixin, SingleTableMixin, FilterView):
    """A sortable, filterable, exportable list (``?_export=csv|xlsx``), with saved filters, and bulk changes
    of ``bulk_fields`` (an owner, a review date) on the rows an editor ticks."""

    template_name = "generic/object_list.html"
    export_formats = ("csv", "xlsx")
    title = None
    bulk_fields: tuple[str, ...] = ()

    def bulk_enabled(self) -> bool:
        return bool(self.bulk_fields) and self.access.can_add(self.get_model()) and not self.exporting()

    def post(self, request, *args, **kwargs):
        """Apply a bulk change, then show the same list (filters kept)."""
        if not self.bulk_enabled():
            raise PermissionDenied
        form = BulkForm(request.POST, fields=self.bulk_fields, user=request.user)
        if form.is_valid():
            changed, skipped = bulk.apply(form, self.get_queryset(), request.user)
            messages.success(request, _("%(n)d rows changed.") % {"n": changed})
            if skipped:
                messages.warning(request, _("%(n)d rows left alone: you may not change them.") % {"n": skipped})
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(request.get_full_path())

    def get_template_names(self):
        return [self.template_name]

    def get_table_pagination(self, table):
        if self.exporting():
            return False
        # Only django-tables2 paginates (ListView's own pagination would count the rows a second time).
        try:
            per_page = int(self.request.GET.get("per_page", settings.LIST_PAGE_SIZE))
        except ValueError:
            per_page = settings.LIST_PAGE_SIZE
        cursor = next(((d, self.request.GET[d]) for d in ("after", "before") if self.request.GET.get(d)), None)
        return {
            "per_page": max(1, min(per_page, settings.LIST_MAX_PAGE_SIZE)),
            "paginator_class": LateRowPaginator,
            "cursor": cursor,
            "key_source": self.key_source(),
        }

    def key_source(self) -> KeySource | None:
        """Another table that holds exactly this list's rows, to read its keys and count from (see
        KeySource); None: the list's own table. A view that has one must narrow it by ``narrowing()``, and
        give none for a filter it cannot apply to it."""
        return None

    def narrowing(self) -> dict | None:
        """The filters that narrow the list, by name with their cleaned values ({}: none); None when a filter
        is invalid (the list may then show nothing)."""
        filterset = getattr(self, "filterset", None)
        if filterset is None or not filterset.is_bound:
            return {}
        if not filterset.is_valid():
            return None
        return {name: value for name, value in filterset.form.cleaned_data.items() if value not in EMPTY_VALUES}

    def get_table_kwargs(self):
        # per_page is read by get_table_pagination (bounded), not by django-tables2 (unbounded).
        kwargs = {"per_page_field": "_per_page"}
        if self.bulk_enabled():
            kwargs["extra_columns"] = [("select", bulk.SelectColumn())]
            kwargs["sequence"] = ("select", "...")
        return kwargs

    def get_export_filename(self, export_format):
        return f"{self.get_model()._meta.model_name}s.{export_format}"

    def create_export(self, export_format):
        table = self.get_table(**self.get_table_kwargs())
        return export_response(
            self.request,
            table,
            export_format=export_format,
            filename=self.get_export_filename(export_format),
            title=self.title or str(self.get_model()._meta.verbose_name_plural).capitalize(),
            delimiter="," if self.request.GET.get("delimiter") == "comma" else ";",
        )

    def exporting(self) -> bool:
        return self.request.GET.get(self.export_trigger_param) in self.export_formats

    def get(self, request, *args, **kwargs):
        # An export needs neither a page nor its count: filter, order and stream.
        if self.exporting():
            self.filterset = self.get_filterset(self.get_filterset_class())
            valid = not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict()
            self.object_list = self.filterset.qs if valid else self.filterset.queryset.none()
            return self.create_export(request.GET[self.export_trigger_param])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title or str(self.get_model()._meta.verbose_name_plural).capitalize()
        ctx["export_formats"] = self.export_formats
        ctx["add_url_name"] = self.add_url_name()
        if self.bulk_enabled():
            ctx["bulk_form"] = BulkForm(fields=self.bulk_fields, user=self.request.user)
        name = self.request.resolver_match.view_name if self.request.resolver_match else ""
        ctx["list_name"] = name
        ctx["saved_filters"] = SavedFilter.objects.filter(user=self.request.user, list_name=name)
        ctx["query"] = self.request.GET.urlencode()
        return ctx


class ObjectDetailView(ScopedMixin, DetailView):
    """An object's page with its fields and its full change history; ``?_export=xlsx|csv`` gives the full
    record (every field, and the children named in ``record_children``)."""

    fields: list[str] = []
    record_children: dict = {}  # sheet title -> related name (an incident's "measures")

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("_export")
        if export_format in ("xlsx", "csv"):
            self.object = obj = self.get_object()
            children = {str(title): getattr(obj, name).all() for title, name in self.record_children.items()}
            # The reference names the file, never the title (a breach's title may be sensitive).
            filename = slugify(getattr(obj, "reference", "") or f"{obj._meta.model_name}-{obj.pk}")
            return record_response(obj, export_format, filename, children)
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        meta = self.model._meta
        return [f"{meta.app_label}/{meta.model_name}_detail.html", "generic/object_detail.html"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        ctx["title"] = str(obj)
        ctx["can_edit"] = self.access.can_edit(obj) and self.edit_url_name() is not None
        ctx["edit_url_name"] = self.edit_url_name()
        ctx["field_rows"] = field_rows(obj, self.fields)
        ctx["history"] = history_entries(obj)
        return ctx

    def edit_url_name(self):
        meta = self.model._meta
        return existing_url_name(f"{meta.app_label}:{meta.model_name}_edit", [self.object.pk])


def field_rows(obj, names):
    """(label, display value) pairs for a detail page, using choices' labels."""
    rows = []
    for name in names:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            value = ", ".join(str(v) for v in getattr(obj, name).all())
        elif field.choices:
            value = getattr(obj, f"get_{name}_display")()
        else:
            value = getattr(obj, name)
            if not field.is_relation:
                value = display_value(field, value)
        rows.append((field.verbose_name, value))
    return rows


class ObjectEditView(ScopedMixin, UpdateView):
    """Add or edit an object. Read-only roles get 403; objects outside the user's scope, 404."""

    template_name = "generic/object_edit.html"

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            if not self.access.can_add(self.model):
                raise PermissionDenied
            return None
        obj = super().get_object(queryset)
        if not self.access.can_edit(obj):
            raise PermissionDenied
        return obj

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if hasattr(self.get_form_class(), "uses_access"):
            kwargs["user"] = self.request.user
        return kwargs

    def post(self, request, *args, **kwargs):
        made = made_with(submitted_token(request), request.user) if "pk" not in kwargs else None
        if made is not None:  # the same add form, posted again: lead to what its first POST made
            self.object = made
            return redirect(self.get_success_url())
        self.version_token = request.POST.get(versions.VERSION_FIELD)  # what the page was opened on
        return super().post(request, *args, **kwargs)

    def merge_concurrent_changes(self, form) -> bool:
        """Call inside the save's transaction. What someone else saved since this page was opened is kept
        where this editor left the field alone; where both changed a field, the form comes back with a
        message at the field (see ``hpregister.versions``). True when the save may go on."""
        opened = versions.read_token(self.version_token or "")
        if self.object is None or opened is None:
            return True  # a new record, or a form posted without a token (nothing to compare with)
        since, hashes = opened
        current = type(self.object)._base_manager.select_for_update().get(pk=self.object.pk)
        kwargs = {k: v for k, v in self.get_form_kwargs().items() if k not in ("data", "files")}
        current_form = self.get_form_class()(**{**kwargs, "instance": current})
        result = versions.merge(form, current_form, hashes)
        if not result.conflicts:
            versions.take_current(form, current_form, result.taken)
            self.merged = [str(form.fields[name].label or name) for name in result.taken]
            self.merged_by = versions.changed_by(current, since)
            return True
        who = versions.names_of(versions.changed_by(current, since))
        form.add_error(
            None,
            _(
                "%(who)s saved this after you opened it. The marked fields were changed by both of you: check "
                "them, then save again to keep your values."
            )
            % {"who": who},
        )
        for name in result.conflicts:
            form.add_error(
                name,
                _("Changed by %(who)s while you were editing, to: %(value)s")
                % {"who": who, "value": versions.stored_display(current_form, name)},
            )
        self.version_token = versions.token_for(current_form)  # saving again is now a decision
        return False

    def form_valid(self, form):
        token = None if self.object is not None else submitted_token(self.request)
        try:
            with transaction.atomic():
                if not self.merge_concurrent_changes(form):
                    return self.form_invalid(form)
                submission = None
                if token is not None:
                    submission, earlier = claim_submission(token, self.request.user)
                    if earlier is not None:  # the same form, posted again: lead to what it made
                        self.object = earlier
                        return redirect(self.get_success_url())
                response = super().form_valid(form)
                if submission is not None:
                    submission.content_type = ContentType.objects.get_for_model(self.object)
                    submission.object_id = self.object.pk
                    submission.save(update_fields=["content_type", "object_id"])
        except IntegrityError:
            # A rule the database enforces (one initial notification, say) that another request met first.
            form.add_error(
                None, _("Someone saved a conflicting change at the same moment. Check the page and try again.")
            )
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        if getattr(self, "merged", None):
            messages.info(
                self.request,
                _("%(who)s changed %(fields)s while you were editing: their change is kept.")
                % {"who": versions.names_of(self.merged_by), "fields": ", ".join(self.merged)},
            )
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.object is None:
            ctx["form_token"] = submitted_token(self.request) or uuid.uuid4()
        else:
            ctx["version"] = getattr(self, "version_token", None) or versions.token_for(ctx["form"])
        ctx["title"] = (
            _("Edit %(object)s") % {"object": self.object}
            if self.object
            else str(getattr(self.model, "new_title", ""))
            or _("New %(model)s") % {"model": self.model._meta.verbose_name}
        )
        return ctx


@login_not_required
@never_cache
def healthz(request):
    """Liveness for load balancers: database and broker reachable. No login, no details leaked."""
    from .celery import app as celery_app

    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = "unreachable"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception:  # noqa: BLE001
        checks["broker"] = "unreachable"
    healthy = all(v == "ok" for v in checks.values())
    checks["status"] = "ok" if healthy else "unhealthy"
    return JsonResponse(checks, status=200 if healthy else 503, json_dumps_params={"sort_keys": True})


def dashboard(request):
    """The start page: the panels the apps contribute (the incident clock, the top-10 list, what is
    overdue, …), in their order; consecutive cards share a row."""
    groups: list[dict] = []
    for panel in dashboard_panels:
        context = panel.context(request)
        if context is None:
            continue
        item = {"name": panel.name, "template": panel.template, "context": context}
        if groups and groups[-1]["cards"] and panel.card:
            groups[-1]["panels"].append(item)
        else:
            groups.append({"cards": panel.card, "panels": [item]})
    return render(request, "dashboard.html", {"title": _("Dashboard"), "panel_groups": groups})


TASK_LIMIT = 200


def tasks(request):
    """My tasks: everything due for me across the registers, by deadline (the overdue first), each with a
    link to act on it. The apps contribute the rows (``hpregister.registry.task_sources``)."""
    form = TaskFilterForm(request.GET or None, sources=list(task_sources))
    within, kind = DEFAULT_HORIZON, None
    if form.is_bound and form.is_valid():
        within = form.cleaned_data["within"] or DEFAULT_HORIZON
        kind = form.cleaned_data["kind"] or None
    inbox = my_tasks(request.user, HORIZONS[within], limit=TASK_LIMIT, only=kind)
    return render(request, "tasks.html", {"title": _("My tasks"), "form": form, "inbox": inbox, "within": within})


SEARCH_LIMIT = 10


def search(request):
    """One search box over every register type the apps contribute, each scoped to the user."""
    # No app's search sees a NUL: PostgreSQL refuses it in any query (a 500), and nobody types one.
    text = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    results = []
    if len(text) >= 2:
        for source in search_sources:
            found = list(source.search(request.user, text, SEARCH_LIMIT + 1))
            if found:
                results.append(
                    {"label": source.label, "found": found[:SEARCH_LIMIT], "more": len(found) > SEARCH_LIMIT}
                )
    return render(
        request, "search.html", {"title": _("Search"), "q": text, "results": results, "searched": len(text) >= 2}
    )


class OrganisationListView(ObjectListView):
    queryset = Organisation.objects.all()
    table_class = OrganisationTable
    filterset_class = OrganisationFilterSet


class OrganisationView(ObjectDetailView):
    model = Organisation
    fields = ["name", "kind", "shares", "ownership_percent", "role_in_register", "is_operator", "email"]


class ChildObjectEditView(ObjectEditView):
    """Add or edit an object that belongs to a parent (a measure of an incident, say).

    The parent must be visible (else 404) and editable by the user (else 403); the child is looked up
    under its parent, so a foreign id in the URL is a 404.
    """

    parent_model = None
    parent_field = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.parent = get_object_or_404(self.parent_model.objects.visible_to(request.user), pk=kwargs["parent_pk"])
        if not Access.for_user(request.user).can_edit(self.parent):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.model.objects.filter(**{self.parent_field: self.parent}), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if kwargs.get("instance") is None:
            kwargs["instance"] = self.model(**{self.parent_field: self.parent})
        return kwargs

    def post(self, request, *args, **kwargs):
        # Validation and save run under a lock on the parent: two officers (or a double click) adding to
        # the same incident are taken one after the other, so the second sees what the first recorded.
        with transaction.atomic():
            self.parent = self.parent_model._base_manager.select_for_update().get(pk=self.parent.pk)
            return super().post(request, *args, **kwargs)

    def get_success_url(self):
        return self.parent.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["parent"] = self.parent
        ctx["cancel_url"] = self.parent.get_absolute_url()
        return ctx


class SecurityEventListView(ObjectListView):
    """The security audit trail, for administrators and the operator's privacy officers (others: 403)."""

    queryset = SecurityEvent.objects.select_related("actor")
    table_class = SecurityEventTable
    filterset_class = SecurityEventFilterSet

    def dispatch(self, request, *args, **kwargs):
        if not Access.for_user(request.user).reads_audit_trail:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def attempt(request, action, done: str = "") -> bool:
    """Run a domain action (close, approve, submit …) in one transaction. A ValidationError becomes an error
    message per problem; success says ``done``. True when the action went through."""
    from django.core.exceptions import ValidationError

    try:
        with transaction.atomic():
            action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    if done:
        messages.success(request, done)
    return True


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    """Django's 404 page; the API answers JSON, as it does every other error (an id its routes do not take,
    an address that is not one of its registers)."""
    if is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """The 500 page in the site's layout and language, with nothing of the error in it. Django's own
    handler renders without the request (no menu, no language switch); this one tries with it, and falls
    back to a plain page when the layout itself cannot be drawn (the database is down, say). The API answers
    JSON, as it does every other error."""
    if is_api(request):
        return JsonResponse({"detail": _("Something went wrong. The error is logged; try again later.")}, status=500)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - the error page must not fail
        return render_plain_error(request)


def render_plain_error(request):
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500_plain.html").render({}))


def csrf_failure(request, reason=""):
    """The form could not be verified (expired, or sent from another site): say so plainly, never the
    reason Django found, in the site's layout."""
    return render(request, "403_csrf.html", status=403)


class SavedFilterForm(forms.Form):
    name = forms.CharField(max_length=80, strip=True)
    list_name = forms.CharField(max_length=100)
    query = forms.CharField(max_length=2000, required=False)


def saved_filter_save(request):
    """Save the list's current filter under a name (the user's own; the same name replaces it)."""
    if request.method != "POST":
        raise PermissionDenied
    form = SavedFilterForm(request.POST)
    if not form.is_valid() or not _list_url(form.cleaned_data["list_name"]):
        messages.error(request, _("Give the filter a name (at most 80 characters)."))
        return redirect(_list_url(request.POST.get("list_name", "")) or "dashboard")
    data = form.cleaned_data
    query = QueryDict(data["query"]).copy()
    for transient in ("page", "_export", "delimiter", "after", "before"):
        query.pop(transient, None)
    SavedFilter.objects.update_or_create(
        user=request.user, list_name=data["list_name"], name=data["name"], defaults={"query": query.urlencode()}
    )
    messages.success(request, _("The filter is saved."))
    return redirect(f"{_list_url(data['list_name'])}?{query.urlencode()}")


def saved_filter_delete(request, pk):
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    if request.method != "POST":
        raise PermissionDenied
    url = _list_url(saved.list_name) or reverse("dashboard")
    saved.delete()  # the user's own shortcut, not a record of the register
    messages.success(request, _("The saved filter is removed."))
    return redirect(url)


def _list_url(name: str) -> str | None:
    """The URL of a list view by its name, only for names that are list views of ours."""
    if not name.endswith("_list"):
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None

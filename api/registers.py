"""What every register's API shares: the pages' scoping, their FilterSets, their forms and their rules.

A ``RegisterViewSet`` is configured with the register's model, FilterSet and the add/edit page's form. It
lists (cursor pages, a constant number of queries), shows one record with its version as an ETag, and
creates and changes records through the page's form: the same validation, the same messages in the user's
language, the same history entry. A change must send the ETag it read in ``If-Match``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, pagination, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from hpregister import versions
from hpregister.access import Access
from hpregister.tables import cursor_token, cursor_values, seek_filter

from .forms import errors_json, form_data, patched_data, validation_json
from .schema import FIELD_ERRORS, FieldErrors, problem

IF_MATCH = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the record as last read: a stale one gets 412, none gets 428.",
)
CHANGE_RESPONSES = {
    400: FIELD_ERRORS,
    409: OpenApiResponse(FieldErrors, description="Someone saved a conflicting change at the same moment"),
    412: problem("If-Match names an older version: read the record again"),
    428: problem("If-Match is missing"),
}


def child_schema(name: str, serializer_class, write_serializer_class):
    """The schema of a ``child`` route: GET it, PATCH it with its ETag."""
    child_id = OpenApiParameter(f"{name}_pk", int, OpenApiParameter.PATH, description=f"The {name}'s id.")
    read = extend_schema(methods=["GET"], parameters=[child_id], responses={200: serializer_class})
    change = extend_schema(
        methods=["PATCH"],
        parameters=[child_id, IF_MATCH],
        request=write_serializer_class,
        responses={200: serializer_class, **CHANGE_RESPONSES},
    )
    return lambda view: read(change(view))


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"


class CursorPage(pagination.CursorPagination):
    """Keyset (seek) pages in an order the client may choose: ``?ordering=`` names one of the view's
    ``ordering_fields`` (the page's sortable columns), ``-`` first for descending; without it the view's
    ``ordering``. The id ends every order, so that it is total, and a cursor holds the last row's values of
    each key: the next page is the rows after them, found by the index as cheaply deep in the register as on
    its first page, through ties and blanks, and unmoved by rows added meanwhile. Blanks come last going up
    and first going down, as PostgreSQL orders them by default (so one index serves both directions)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-id",)
    ordering_param = "ordering"

    @staticmethod
    def choices(view) -> dict[str, tuple[str, ...]]:
        """The orders a client may ask for: public name -> the model paths it sorts by, both directions."""
        offered = {}
        for name, paths in getattr(view, "ordering_fields", {}).items():
            paths = (paths,) if isinstance(paths, str) else tuple(paths)
            offered[name] = paths
            offered[f"-{name}"] = tuple(path[1:] if path.startswith("-") else f"-{path}" for path in paths)
        return offered

    def get_ordering(self, request, queryset, view):
        asked = request.query_params.get(self.ordering_param)
        if asked is None:
            ordering = tuple(getattr(view, "ordering", None) or self.ordering)
        else:
            offered = self.choices(view)
            if asked not in offered:
                raise exceptions.ValidationError(
                    {self.ordering_param: [_("Choose one of: %(choices)s.") % {"choices": ", ".join(offered)}]}
                )
            ordering = offered[asked]
        if ordering[-1].lstrip("-") not in ("id", "pk"):  # total: ties go by id, in the first key's direction
            ordering += ("-id" if ordering[0].startswith("-") else "id",)
        return ordering

    def paginate_queryset(self, queryset, request, view=None):
        self.request, self.base_url = request, request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.keys = [(path.lstrip("-"), path.startswith("-")) for path in self.get_ordering(request, queryset, view)]
        self.fingerprint = ",".join(("-" if descending else "") + path for path, descending in self.keys)
        queryset = queryset.annotate(**{f"keyset_{i}": F(path) for i, (path, _descending) in enumerate(self.keys)})
        self.seek = [(f"keyset_{i}", descending) for i, (_path, descending) in enumerate(self.keys)]
        cursor = self.decode_cursor(request, queryset.model)
        forward = cursor is None or cursor[0]
        queryset = queryset.order_by(*self.order(forward))
        if cursor is not None:
            queryset = queryset.filter(seek_filter(self.seek, cursor[1], forward, self.nullable(queryset.model)))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if forward:
            self.has_next, self.has_previous = more, cursor is not None
        else:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        self.page = rows
        return rows

    def order(self, forward):
        """ORDER BY the keys (their reverse when going back), blanks placed as described above."""
        return [
            F(f"keyset_{i}").desc(nulls_first=True) if descending == forward else F(f"keyset_{i}").asc(nulls_last=True)
            for i, (_path, descending) in enumerate(self.keys)
        ]

    def nullable(self, model) -> frozenset[str]:
        """The keys that may be blank: a nullable field on the path, or a nullable relation on the way."""
        blank = set()
        for i, (path, _descending) in enumerate(self.keys):
            current = model
            for name in path.split("__"):
                field = current._meta.get_field(name)
                if field.null:
                    blank.add(f"keyset_{i}")
                current = field.related_model
        return frozenset(blank)

    def key_fields(self, model) -> list:
        """The model field each key's values are typed by (a relation's: its target's)."""
        fields = []
        for path, _descending in self.keys:
            current = model
            for name in path.split("__"):
                field = current._meta.get_field(name)
                current = field.related_model
            fields.append(field.target_field if field.is_relation else field)
        return fields

    # A cursor is the signed values of the page's first (back: "b") or last (on: "a") row, signed for the order
    # it was made in, so that it cannot be sent with another.

    def salt(self):
        return f"hpregister.api-cursor:{self.fingerprint}"

    def encode_cursor(self, forward, row):
        token = ("a:" if forward else "b:") + cursor_token(row, self.seek, salt=self.salt())
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def decode_cursor(self, request, model):
        """(forward, values) of the request's cursor; None without one; 404 if it is not one of ours."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        direction, _, token = encoded.partition(":")
        values = None
        if direction in ("a", "b"):
            values = cursor_values(token, self.seek, model, salt=self.salt(), fields=self.key_fields(model))
        if values is None:
            raise exceptions.NotFound(self.invalid_cursor_message)
        return direction == "a", values

    def get_next_link(self):
        if not self.has_next:
            return None
        if not self.page:  # back past the first row: the first page
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self.encode_cursor(True, self.page[-1])

    def get_previous_link(self):
        if not self.has_previous or not self.page:
            return None
        return self.encode_cursor(False, self.page[0])

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        offered = list(self.choices(view))
        if offered:
            parameters.append(
                {
                    "name": self.ordering_param,
                    "required": False,
                    "in": "query",
                    "description": "The order of the list: one of the page's sortable columns, `-` first for "
                    "descending. Blanks come last going up and first going down; ties go by id.",
                    "schema": {"type": "string", "enum": offered},
                }
            )
        return parameters


class RegisterViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """One register over the API. Set ``model``, ``filterset_class``, ``serializer_class`` (the list's),
    ``detail_serializer_class`` and, where the pages allow changes, ``form_class`` (the add/edit page's form;
    ``creatable`` False when the pages only edit). ``related`` and ``detail_related`` are the
    select/prefetch lookups that keep a page's query count constant."""

    model = None
    form_class = None
    creatable = True
    detail_serializer_class = None
    ordering = ("-id",)
    select = ()
    prefetch = ()
    detail_prefetch = ()
    pagination_class = CursorPage
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        if self.select:
            queryset = queryset.select_related(*self.select)
        if self.prefetch:
            queryset = queryset.prefetch_related(*self.prefetch)
        if self.action != "list" and self.detail_prefetch:
            queryset = queryset.prefetch_related(*self.detail_prefetch)
        return queryset

    def get_serializer_class(self):
        if self.action in ("list", "create") or self.detail_serializer_class is None:
            return self.serializer_class
        return self.detail_serializer_class

    @property
    def access(self) -> Access:
        return Access.for_user(self.request.user)

    # Reading

    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(self.get_object())

    def detail_response(self, record, status_code=status.HTTP_200_OK):
        """The record as it now is, with its version as the ETag."""
        record = self.get_queryset().get(pk=record.pk)
        serializer = (self.detail_serializer_class or self.serializer_class)(
            record, context=self.get_serializer_context()
        )
        response = Response(serializer.data, status=status_code)
        response["ETag"] = versions.etag(record)
        return response

    # Changing, through the pages' forms

    def form_kwargs(self, form_class) -> dict:
        """The page passes the user to its scoped forms (their organisation choices are the user's)."""
        return {"user": self.request.user} if getattr(form_class, "uses_access", False) else {}

    def patched_form(self, form_class, instance):
        """The page's form for ``instance`` as a browser would post it: the form's values (a new record's
        defaults), with the request's JSON typed over them."""
        kwargs = self.form_kwargs(form_class)
        unchanged = form_class(instance=instance, **kwargs)
        return form_class(patched_data(unchanged, self.request.data), instance=instance, **kwargs)

    def create(self, request, *args, **kwargs):
        if self.form_class is None or not self.creatable:
            raise exceptions.MethodNotAllowed(request.method)
        if not self.access.can_add(self.model):
            raise PermissionDenied
        form = self.form_class(form_data(self.form_class, request.data), **self.form_kwargs(self.form_class))
        return self.save_form(form, created=True)

    def partial_update(self, request, *args, **kwargs):
        if self.form_class is None:
            raise exceptions.MethodNotAllowed(request.method)
        with transaction.atomic():
            return self.save_form(self.patched_form(self.form_class, self.editable(open_only=True)))

    @staticmethod
    def saved(form):
        """(record, None) once the form is valid and saved, else (None, the 400 or 409 answer)."""
        if not form.is_valid():
            return None, Response(errors_json(form), status=status.HTTP_400_BAD_REQUEST)
        try:
            with transaction.atomic():
                return form.save(), None
        except IntegrityError:  # a rule the database enforces that another request met first
            message = _("Someone saved a conflicting change at the same moment. Check the page and try again.")
            return None, Response({"non_field_errors": [message]}, status=status.HTTP_409_CONFLICT)

    def save_form(self, form, *, created=False):
        """Validate and save as the page does: 400 with the form's messages, or the record as it now is."""
        record, refused = self.saved(form)
        if refused is not None:
            return refused
        if created:
            record = self.get_queryset().get(pk=record.pk)
            data = self.serializer_class(record, context=self.get_serializer_context()).data
            return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["api_url"]})
        return self.detail_response(record)

    ended_message = ""  # why an ended record refuses changes

    def is_ended(self, record) -> bool:
        """Whether the record is closed to changes until it is reopened (a closed breach, say)."""
        return False

    def may_edit(self, record) -> bool:
        return self.access.can_edit(record)

    def editable(self, *, open_only=False, versioned=True):
        """The record, locked for this change: 404 outside the caller's scope, 403 if they may only read it
        (or, with ``open_only``, if it is ended), 428/412 unless ``If-Match`` names its current version
        (``versioned`` False: a change of one of its parts, which carries its own version)."""
        record = self.get_object()
        if not self.may_edit(record):
            raise PermissionDenied
        record = self.model._base_manager.select_for_update().get(pk=record.pk)
        if versioned:
            self.check_version(record)
        if open_only and self.is_ended(record):
            raise PermissionDenied(self.ended_message)
        return record

    def check_version(self, record) -> None:
        expected = self.request.headers.get("If-Match")
        if not expected:
            raise PreconditionRequired(_("Send the record's ETag in If-Match: read it first, then change it."))
        if expected.strip() not in (versions.etag(record), "*"):
            raise PreconditionFailed(
                _("Someone changed the record after you read it. Read it again, then repeat your change.")
            )

    def transition(self, run, form_class=None):
        """A legal transition as the page runs it: the caller's right and the version first (404, 403, 412),
        then the page's form for it, if it has one (400), then the domain rule under the row lock (400 with
        its messages). ``run(record, cleaned_data)``."""
        try:
            with transaction.atomic():
                record = self.editable()
                data = {}
                if form_class is not None:
                    form = form_class(form_data(form_class, self.request.data))
                    if not form.is_valid():
                        return Response(errors_json(form), status=status.HTTP_400_BAD_REQUEST)
                    data = form.cleaned_data
                run(record, data)
        except ValidationError as exc:
            return Response(validation_json(exc), status=status.HTTP_400_BAD_REQUEST)
        return self.detail_response(record)

    def add_child(self, form_class, new, serializer_class, after=None):
        """Add a record that belongs to this one (a measure of a risk, say) through the page's form for it,
        under a lock on the parent. Answers the child, with the parent's new version as the ETag."""
        with transaction.atomic():
            parent = self.editable(open_only=True)
            # As a browser sends the add form: its defaults (a new measure is open, say), typed over.
            child, refused = self.saved(self.patched_form(form_class, new(parent)))
            if refused is not None:
                return refused
            if after is not None:
                after(parent)
        response = Response(serializer_class(child).data, status=status.HTTP_201_CREATED)
        response["ETag"] = versions.etag(self.model.objects.get(pk=parent.pk))
        return response

    def child(self, children, form_class, serializer_class, child_pk, after=None):
        """GET or PATCH one record that belongs to this one (a measure of a breach, say), with its own version
        as the ETag. A change goes through the page's edit form for it, under a lock on the parent, with the
        parent's rights (404, 403, and 403 while the parent is ended) and the child's version (412, 428)."""
        if self.request.method == "GET":
            record = get_object_or_404(children(self.get_object()), pk=child_pk)
            response = Response(serializer_class(record).data)
            response["ETag"] = versions.etag(record)
            return response
        with transaction.atomic():
            parent = self.editable(open_only=True, versioned=False)
            # Only the child's own row: PostgreSQL refuses FOR UPDATE across a nullable join (select_related).
            record = get_object_or_404(children(parent).select_for_update(of=("self",)), pk=child_pk)
            self.check_version(record)
            record, refused = self.saved(self.patched_form(form_class, record))
            if refused is not None:
                return refused
            if after is not None:
                after(parent)
        response = Response(serializer_class(record).data)
        response["ETag"] = versions.etag(record)
        return response

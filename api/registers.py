"""What every register's API shares: the pages' scoping, their FilterSets, their forms and their rules.

A ``RegisterViewSet`` is configured with the register's model, FilterSet and the add/edit page's form. It
lists (cursor pages, a constant number of queries), shows one record with its version as an ETag, and
creates and changes records through the page's form: the same validation, the same messages in the user's
language, the same history entry. A change must send the ETag it read in ``If-Match``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, pagination, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from hpregister import versions
from hpregister.access import Access

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
    """Cursor pages: as cheap deep in the register as on its first page. The order is the viewset's
    ``ordering`` (newest first by default), always ending in the id so that it is total."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-id",)

    def get_ordering(self, request, queryset, view):
        return tuple(getattr(view, "ordering", None) or self.ordering)


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

"""How the OpenAPI schema describes the API beyond its serializers (drf-spectacular extensions): the personal
API tokens, and the errors every operation can answer, so that a client (and schemathesis in .ci/run) finds
each status the API sends documented, with the shape of its body."""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "hpregister.apitokens.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (hpr_…), made on the account page. It expires, can be revoked "
            "and may be read-only.",
        }


class Problem(serializers.Serializer):
    """Why the request was refused, in the caller's language."""

    detail = serializers.CharField()


class FieldErrors(serializers.Serializer):
    """{field: [messages]}, the form's messages in the caller's language; what concerns no single field is
    under ``non_field_errors`` (or, when the body could not be read at all, ``detail``)."""


class FieldErrorsScheme(OpenApiSerializerExtension):
    target_class = "api.schema.FieldErrors"

    def map_serializer(self, auto_schema, direction):
        messages = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "description": FieldErrors.__doc__,
            "additionalProperties": {"oneOf": [messages, {"type": "string"}]},
        }


def problem(description):
    return OpenApiResponse(Problem, description=description)


FIELD_ERRORS = OpenApiResponse(FieldErrors, description="Refused: the messages, beside each field")
NOT_FOUND = problem("Not found, or not within the caller's organisations (an invalid cursor, too)")
COMMON = {
    401: problem("No valid token or session"),
    403: problem("The caller may not do this (a read-only token, a role that only reads, a closed record)"),
    429: problem("Too many requests for this token: wait as Retry-After says"),
}


class RegisterAutoSchema(AutoSchema):
    """Every operation documents the errors it can answer besides its own: 401, 403 and 429 always; 404 with
    a path parameter or a cursor; 400 for a list's filters and for every change; 415 for a change's body."""

    def _get_response_bodies(self, direction="response"):
        # Not get_response_serializers: @extend_schema(responses=…) replaces that one.
        responses = super()._get_response_bodies(direction)
        listing = self.method == "GET" and "200" in responses and self._is_list_view()
        extra = dict(COMMON)
        if "(?P<" in self.path_regex or listing:
            extra[404] = NOT_FOUND
        if self.method in ("POST", "PATCH", "PUT") or listing:
            extra[400] = FIELD_ERRORS
        if self.method in ("POST", "PATCH", "PUT"):
            extra[415] = problem("The body is not JSON")
        for code, response in extra.items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(response, str(code), direction=direction)
        # Before the application: the web server refuses a request line longer than it takes (gunicorn's
        # limit_request_line, nginx's large_client_header_buffers) with its own page.
        responses["414"] = self._get_response_for_code(
            OpenApiResponse(OpenApiTypes.STR, description="The address is longer than the web server takes"),
            "414",
            media_types=["text/html"],
            direction=direction,
        )
        return responses


def record_links(result, generator, request, public):
    """OpenAPI links from where a record's id is answered to everything done with that id, so that a client
    generator, and schemathesis's stateful phase in .ci/run, can chain them: a list's first row, a new record
    (201) and a record read or changed (200) lead to the record, its transitions (close, approve, …) and its
    parts; a new part (a measure, say) leads to that part. (drf-spectacular's postprocessing hook.)"""
    paths = result.get("paths", {})
    methods = ("get", "post", "patch", "put", "delete")

    def operations(prefix, parameter):
        """operationId -> the path parameters of every operation under ``prefix`` that takes ``parameter``."""
        found = {}
        for path, item in paths.items():
            if not path.startswith(prefix) or f"{{{parameter}}}" not in path:
                continue
            for method in methods:
                if method in item:
                    found[item[method]["operationId"]] = re.findall(r"\{(\w+)\}", path)
        return found

    def link(response, targets, values):
        if response is None:
            return
        links = response.setdefault("links", {})
        for operation_id, parameters in sorted(targets.items()):
            if set(parameters) <= set(values):
                links[operation_id] = {"operationId": operation_id, "parameters": {p: values[p] for p in parameters}}

    for path, item in paths.items():
        detail = re.fullmatch(r"(.*/)\{(\w+)\}/", path)
        if detail is None:
            continue
        collection, parameter = detail.groups()
        parents = re.findall(r"\{(\w+)\}", collection)
        targets = operations(path, parameter)
        from_request = {name: f"$request.path.{name}" for name in parents}
        if "get" in paths.get(collection, {}):
            responses = paths[collection]["get"]["responses"]
            link(responses.get("200"), targets, {**from_request, parameter: "$response.body#/results/0/id"})
        if "post" in paths.get(collection, {}):
            responses = paths[collection]["post"]["responses"]
            link(responses.get("201"), targets, {**from_request, parameter: "$response.body#/id"})
        for method in ("get", "patch"):
            if method in item:
                link(
                    item[method]["responses"].get("200"),
                    targets,
                    {**from_request, parameter: f"$request.path.{parameter}"},
                )
    return result

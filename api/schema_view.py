"""The schema's address, /api/v1/schema/ (apart from api.schema, which the schema generator itself imports)."""

from django.conf import settings
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """The schema at /api/v1/schema/, built once per language and process: it changes only with the code, and
    building it costs about a third of a second of a web worker. A language or version the register does
    not have is answered but not kept, so odd query strings cannot fill the memory."""

    built: dict = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        language = translation.get_language()
        if version is not None or language not in dict(settings.LANGUAGES):
            return super()._get_schema_response(request)
        if language not in self.built:
            generator = self.generator_class(urlconf=self.urlconf, api_version=None, patterns=self.patterns)
            self.built[language] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=self.built[language],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, None)}"'},
        )

"""The project's URLs plus one view that fails, for the error-page tests."""

from django.urls import path

from hpregister.urls import handler404, handler500, urlpatterns  # noqa: F401 - Django reads the handlers here


def boom(request):
    raise RuntimeError("secret internal detail: password=hunter2")


urlpatterns = [*urlpatterns, path("boom/", boom), path("api/v1/boom/", boom)]

"""The project's URLs plus one view that fails, for the error-page tests."""

from django.urls import path

from hpregister.urls import handler500, urlpatterns  # noqa: F401 - Django reads handler500 from here


def boom(request):
    raise RuntimeError("secret internal detail: password=hunter2")


urlpatterns = [*urlpatterns, path("boom/", boom)]

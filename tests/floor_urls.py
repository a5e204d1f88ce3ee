"""The project's URLs plus a signed-in "hello": what every page costs before its own work (the floor)."""

from django.http import HttpResponse
from django.urls import path

from hpregister.urls import urlpatterns as project_urls


def hello(request):
    return HttpResponse(f"hello {request.user.pk}", content_type="text/plain")


urlpatterns = [path("floor/hello/", hello), *project_urls]

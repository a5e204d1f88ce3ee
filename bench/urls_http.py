"""The project's URLs plus the benchmark's floor: a signed-in "hello" through the same middleware."""

from django.http import HttpResponse
from django.urls import path

from hpregister.urls import handler500  # noqa: F401
from hpregister.urls import urlpatterns as project_urls


def hello(request):
    return HttpResponse(f"hello {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *project_urls]

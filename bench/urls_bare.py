"""A bare Django "hello" (no middleware, no session, no user): what the register's floor is compared with."""

from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello)]

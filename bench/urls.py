"""The benchmarks' URLconf: the site's own routes plus a bare "hello" view, the floor `bench/load.py` measures the
public pages against (same server, same middleware, no database, a trivial response). Only the bench settings use it;
it is no route of the product."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler403, handler404
from config.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello, name="bench-hello"), *site_urlpatterns]

__all__ = ["handler403", "handler404", "urlpatterns"]

"""The benchmarks' URLconf: the site's own routes plus the floors the benchmarks time the pages against — the bare
views of `bench/pages.py` and a "hello" view for `bench/load.py` (same server, same middleware, no database, a trivial
response). Only the bench settings use it; none of it is a route of the product."""

from django.http import HttpResponse
from django.urls import path

from bench.pages import floor_view
from config.urls import handler403, handler404
from config.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [
    path("__bench__/floor/<str:slug>/", floor_view),
    path("bench/hello/", hello, name="bench-hello"),
    *site_urlpatterns,
]

__all__ = ["handler403", "handler404", "urlpatterns"]

"""The site's URLs and the floor views of `bench/pages.py` (benchmarks only; never the site's URLconf)."""

from django.urls import path

from bench.pages import floor_view
from config.urls import urlpatterns as site

urlpatterns = [path("__bench__/floor/<str:slug>/", floor_view), *site]

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from calculators import api as calculators_api
from calculators import api_urls as calculators_api_urls
from config import api_views, views
from config.sitemaps import SITEMAPS
from glossary.feeds import CorrectionFeed, TermFeed
from search import views as search_views

admin.site.site_header = "Weights & Measures — editors"
admin.site.site_title = "Weights & Measures admin"
admin.site.index_title = "Content"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/terms.atom", TermFeed(), name="term-feed"),
    path("feeds/corrections.atom", CorrectionFeed(), name="corrections-feed"),
    path("api/", api_views.api_docs, name="api-docs"),
    path("api/v1/", api_views.api_index, name="api-index"),
    path("api/v1/openapi.json", api_views.openapi_json, name="openapi"),
    path("api/v1/formats", calculators_api.format_list, name="formats-api"),
    path("api/v1/gpus", calculators_api.gpu_list, name="gpus-api"),
    path("api/v1/search", search_views.search_api, name="search-api"),
    path("api/v1/", include("glossary.api_urls")),
    path("api/v1/sizing/", include("calculators.api_urls")),
    path("api/v1/", include((calculators_api_urls.catalog_urlpatterns, "catalog_api"))),
    re_path(r"^api/(?P<path>.*)$", views.api_not_found),
    path("", include("calculators.urls")),
    path("", include("learning.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("search.urls")),
    path("", include("glossary.urls")),
]

if settings.BENCH_VIEWS:
    urlpatterns.insert(0, path("bench/constant", views.bench_constant))

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

"""The licence URLs mounted as the project mounts them (/licences/, /api/licences/), for these tests."""

from django.urls import include, path

urlpatterns = [
    path("api/licences/", include("yijianshi.licenses.api_urls")),
    path("licences/", include("yijianshi.licenses.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

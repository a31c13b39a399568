from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("bundles/<str:code>/", views.bundle_page, name="bundle-guide"),
    path("search/", views.search_page, name="search"),
    path("prefs/display/", views.display_toggle_view, name="display-toggle"),
    path("figures/", views.figures, name="figures"),
    path("healthz", views.healthz, name="healthz"),
    path("verify/documents/<str:number>", views.verify_document, name="verify-document"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("bundles/<str:code>/", views.bundle_page, name="bundle-guide"),
    path("figures/", views.figures, name="figures"),
    path("healthz", views.healthz, name="healthz"),
    path("verify/documents/<str:number>", views.verify_document, name="verify-document"),
]

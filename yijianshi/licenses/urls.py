"""Public licence pages, included at /licences/ (the verification page a licence's QR code points to)."""

from django.urls import path

from . import views

urlpatterns = [
    path("verify/", views.verify_page, name="licence-verify-form"),
    path("verify/<str:code>", views.verify_page, name="licence-verify"),
]

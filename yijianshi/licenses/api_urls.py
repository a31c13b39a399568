"""Licence API, included at /api/licences/: wallet, detail, QR code, revocation, verification, public keys."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.LicenceListApi.as_view(), name="licences"),
    path("keys/", views.SigningKeyListApi.as_view(), name="licence-keys"),
    path("verify/", views.LicenceDocumentVerifyApi.as_view(), name="licence-verify-document"),
    re_path(r"^verify/(?P<code>[^/]+)/?$", views.LicenceVerifyApi.as_view(), name="licence-verify-id"),
    path("<int:pk>/", views.LicenceDetailApi.as_view(), name="licence"),
    re_path(r"^(?P<pk>[0-9]+)/qr\.(?P<kind>svg|png)$", views.LicenceQrApi.as_view(), name="licence-qr"),
    path("<int:pk>/revoke/", views.LicenceRevokeApi.as_view(), name="licence-revoke"),
]

"""Shared-data API, included at /api/ (from yijianshi/api/urls.py): party file, consent, objections, the
figures measured on applications (datahub/api.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/file/", api.MyPartyFileApi.as_view(), name="my-party-file"),
    path("me/consents/", api.MyConsentListApi.as_view(), name="my-consents"),
    path("me/consents/revoke/", api.MyConsentRevokeApi.as_view(), name="my-consent-revoke"),
    path("objections/", api.ObjectionListApi.as_view(), name="objections"),
    path("objections/<int:pk>/", api.ObjectionDetailApi.as_view(), name="objection"),
    path("objections/<int:pk>/resolve/", api.ObjectionResolveApi.as_view(), name="objection-resolve"),
    path("figures/applications/", api.MeasuredFiguresApi.as_view(), name="figures-applications"),
]

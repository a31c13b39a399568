"""Shared-data API, included at /api/ (from yijianshi/api/urls.py): consent and an objection's detail and
resolution (datahub/api.py). The party file (me/file/) and the list of objections (objections/) are mounted
by yijianshi/api/urls.py itself, which hands those views cases' readers of applications."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/consents/", api.MyConsentListApi.as_view(), name="my-consents"),
    path("me/consents/revoke/", api.MyConsentRevokeApi.as_view(), name="my-consent-revoke"),
    path("objections/<int:pk>/", api.ObjectionDetailApi.as_view(), name="objection"),
    path("objections/<int:pk>/resolve/", api.ObjectionResolveApi.as_view(), name="objection-resolve"),
]

"""Mandate API, included at /api/ (from yijianshi/api/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("mandates/", api.MandateListApi.as_view(), name="mandates"),
    path("mandates/requests/", api.MandateRequestApi.as_view(), name="mandate-requests"),
    path("mandates/window/", api.MandateWindowRecordApi.as_view(), name="mandate-window"),
    path("mandates/<str:number>/", api.MandateDetailApi.as_view(), name="mandate"),
    path("mandates/<str:number>/confirm/", api.MandateConfirmApi.as_view(), name="mandate-confirm"),
    path("mandates/<str:number>/refuse/", api.MandateRefuseApi.as_view(), name="mandate-refuse"),
    path("mandates/<str:number>/revoke/", api.MandateRevokeApi.as_view(), name="mandate-revoke"),
]

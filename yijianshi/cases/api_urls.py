"""URLs of cases' own endpoints in yijianshi/cases/api.py beyond the application API (uploads, figures), included at /api/ by yijianshi/api/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("uploads/", api.UploadCreateApi.as_view(), name="uploads"),
    path("uploads/<str:pk>/", api.UploadDetailApi.as_view(), name="upload"),
    path("uploads/<str:pk>/content", api.UploadContentApi.as_view(), name="upload-content"),
    path("figures/applications/", api.MeasuredFiguresApi.as_view(), name="figures-applications"),
]

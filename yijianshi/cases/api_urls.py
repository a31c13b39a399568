"""The cases API's URLs (yijianshi/cases/api.py), included at /api/ by yijianshi/api/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("bundles/", api.BundleListApi.as_view(), name="bundles"),
    path("bundles/<str:code>/", api.BundleGuideApi.as_view(), name="bundle"),
    path("applications/", api.ApplicationListApi.as_view(), name="applications"),
    path("applications/<str:number>/", api.ApplicationDetailApi.as_view(), name="application"),
    path("applications/<str:number>/intake/", api.ApplicationIntakeApi.as_view()),
    path("applications/<str:number>/supplement/", api.ApplicationSupplementApi.as_view()),
    path("applications/<str:number>/withdraw/", api.ApplicationWithdrawApi.as_view()),
    path("applications/<str:number>/deliver/", api.ApplicationDeliverApi.as_view()),
    path("applications/<str:number>/archive/", api.ApplicationArchiveApi.as_view()),
    path("applications/<str:number>/tolerated/", api.ToleratedReceiveApi.as_view()),
    path("applications/<str:number>/history/", api.ApplicationHistoryApi.as_view()),
    path("applications/<str:number>/documents/", api.ApplicationDocumentsApi.as_view()),
    path("documents/<str:number>.pdf", api.DocumentPdfApi.as_view(), name="document-pdf"),
    path("intake-queue/", api.IntakeQueueApi.as_view()),
    path("me/data-reads/", api.MyDataReadsApi.as_view(), name="my-data-reads"),
    path("item-cases/", api.ItemCaseListApi.as_view()),
    path("item-cases/<int:pk>/", api.ItemCaseDetailApi.as_view()),
    path("item-cases/<int:pk>/transitions/", api.ItemCaseTransitionApi.as_view()),
    path("commitments/<int:pk>/post-check/", api.CommitmentPostCheckApi.as_view()),
    path("uploads/", api.UploadCreateApi.as_view(), name="uploads"),
    path("uploads/<str:pk>/", api.UploadDetailApi.as_view(), name="upload"),
    path("uploads/<str:pk>/content", api.UploadContentApi.as_view(), name="upload-content"),
    path("figures/applications/", api.MeasuredFiguresApi.as_view(), name="figures-applications"),
]

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from yijianshi.accounts.api import TokenObtainApi
from yijianshi.uploads import urls as uploads_urls

from . import views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("bundles/", views.BundleListApi.as_view(), name="bundles"),
    path("bundles/<str:code>/", views.BundleGuideApi.as_view(), name="bundle"),
    path("applications/", views.ApplicationListApi.as_view(), name="applications"),
    path("applications/<str:number>/", views.ApplicationDetailApi.as_view(), name="application"),
    path("applications/<str:number>/intake/", views.ApplicationIntakeApi.as_view()),
    path("applications/<str:number>/supplement/", views.ApplicationSupplementApi.as_view()),
    path("applications/<str:number>/withdraw/", views.ApplicationWithdrawApi.as_view()),
    path("applications/<str:number>/deliver/", views.ApplicationDeliverApi.as_view()),
    path("applications/<str:number>/archive/", views.ApplicationArchiveApi.as_view()),
    path("applications/<str:number>/tolerated/", views.ToleratedReceiveApi.as_view()),
    path("applications/<str:number>/history/", views.ApplicationHistoryApi.as_view()),
    path("applications/<str:number>/documents/", views.ApplicationDocumentsApi.as_view()),
    path("documents/<str:number>.pdf", views.DocumentPdfApi.as_view(), name="document-pdf"),
    path("intake-queue/", views.IntakeQueueApi.as_view()),
    path("me/data-reads/", views.MyDataReadsApi.as_view(), name="my-data-reads"),
    path("item-cases/", views.ItemCaseListApi.as_view()),
    path("item-cases/<int:pk>/", views.ItemCaseDetailApi.as_view()),
    path("item-cases/<int:pk>/transitions/", views.ItemCaseTransitionApi.as_view()),
    path("commitments/<int:pk>/post-check/", views.CommitmentPostCheckApi.as_view()),
    *uploads_urls.urlpatterns,  # material uploads
    path("", include("yijianshi.datahub.api_urls")),  # party file, consent, objections
    path("", include("yijianshi.mandates.urls")),  # mandates (授权委托)
]

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from yijianshi.accounts.api import TokenObtainApi
from yijianshi.cases.shared import application_for_objection, earlier_entries
from yijianshi.datahub import api as datahub_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("", include("yijianshi.cases.api_urls")),  # bundles' guides, applications, item cases, documents, uploads, figures
    # datahub's views that need applications, handed cases' readers of them (datahub reads no table of cases)
    path("me/file/", datahub_api.MyPartyFileApi.as_view(earlier=earlier_entries), name="my-party-file"),
    path("objections/", datahub_api.ObjectionListApi.as_view(find_application=application_for_objection),
         name="objections"),
    path("", include("yijianshi.datahub.api_urls")),  # consent, an objection's detail and resolution
]

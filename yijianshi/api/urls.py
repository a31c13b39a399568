from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from yijianshi.accounts.api import TokenObtainApi
from yijianshi.cases.shared import application_for_objection, earlier_entries
from yijianshi.datahub import api as datahub_api

# Swagger UI: its files from its CDN (SPECTACULAR_SETTINGS["SWAGGER_UI_DIST"]), its start script from this site
# (the split view serves it at ?script=), so the docs page needs no inline script either
_SWAGGER_ORIGIN = "/".join(str(spectacular_settings.SWAGGER_UI_DIST).split("/")[:3])
_swagger_csp = csp_update(
    {"script-src": [_SWAGGER_ORIGIN], "style-src": [_SWAGGER_ORIGIN], "img-src": [_SWAGGER_ORIGIN]}
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", _swagger_csp(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path(
        "", include("yijianshi.cases.api_urls")
    ),  # bundles' guides, applications, item cases, documents, uploads, figures
    # datahub's views that need applications, handed cases' readers of them (datahub reads no table of cases)
    path("me/file/", datahub_api.MyPartyFileApi.as_view(earlier=earlier_entries), name="my-party-file"),
    path(
        "objections/",
        datahub_api.ObjectionListApi.as_view(find_application=application_for_objection),
        name="objections",
    ),
    path("", include("yijianshi.datahub.api_urls")),  # consent, an objection's detail and resolution
    path("", include("yijianshi.mandates.urls")),  # mandates (授权委托)
]

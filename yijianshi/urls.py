from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "一件事 · 管理后台 yijianshi administration"
admin.site.site_title = "一件事"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/licences/", include("yijianshi.licenses.api_urls")),
    path("api/", include("yijianshi.api.urls")),
    path("licences/", include("yijianshi.licenses.urls")),
    path("workbench/", include("yijianshi.workbench.urls")),
    path("accounts/", include("yijianshi.accounts.urls")),
    path("", include("yijianshi.web.urls")),
]

handler404 = "yijianshi.api.errors.page_not_found"  # structured JSON under /api/
handler500 = "yijianshi.api.errors.server_error"  # 503 + Retry-After when the database was unavailable

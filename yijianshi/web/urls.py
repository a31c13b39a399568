from django.urls import path

from . import apply, guide, mandates, me, views

urlpatterns = [
    path("", views.home, name="home"),
    path("bundles/<str:code>/", views.bundle_page, name="bundle-guide"),
    path("bundles/<str:code>/included/", guide.included, name="bundle-included"),
    path("bundles/<str:code>/form-blank.pdf", guide.form_blank, name="bundle-form-blank"),
    path("bundles/<str:code>/form-sample.pdf", guide.form_sample, name="bundle-form-sample"),
    path("search/", views.search_page, name="search"),
    path("bundles/<str:code>/apply/", apply.apply, name="apply"),
    path("bundles/<str:code>/apply/dispute/<str:key>/", apply.dispute, name="apply-dispute"),
    path("me/", me.my_applications, name="me"),
    path("me/applications/<str:number>/", me.my_application, name="me-application"),
    path("me/applications/<str:number>/receipt/", me.receipt, name="me-receipt"),
    path("me/applications/<str:number>/withdraw/", me.withdraw, name="me-withdraw"),
    path("me/applications/<str:number>/supplement/", me.supplement, name="me-supplement"),
    path("me/documents/<str:number>.pdf", me.document_pdf, name="me-document"),
    path("me/licences/", me.my_licences, name="me-licences"),
    path("me/data-reads/", me.my_data_reads, name="me-data-reads"),
    path("me/file/", me.my_file, name="me-file"),
    path("me/mandates/", mandates.my_mandates, name="me-mandates"),
    path("me/mandates/grant/", mandates.grant, name="me-mandate-grant"),
    path("me/mandates/request/", mandates.ask, name="me-mandate-request"),
    path("me/mandates/<str:number>/confirm/", mandates.confirm, name="me-mandate-confirm"),
    path("me/mandates/<str:number>/refuse/", mandates.refuse, name="me-mandate-refuse"),
    path("me/mandates/<str:number>/revoke/", mandates.revoke, name="me-mandate-revoke"),
    path("prefs/display/", views.display_toggle_view, name="display-toggle"),
    path("figures/", views.figures, name="figures"),
    path("healthz", views.healthz, name="healthz"),
    path("verify/", views.verify_document, name="verify-document-form"),
    path("verify/<str:code>", views.verify_document, name="verify-document"),
]

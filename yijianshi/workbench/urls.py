from django.urls import path

from . import mandates, views

app_name = "workbench"

urlpatterns = [
    path("", views.home, name="home"),
    path("window/", views.window_queue, name="window-queue"),
    path("window/counter/", views.counter_start, name="counter-start"),
    path("window/counter/form/", views.counter_form, name="counter-form"),
    path("window/counter/cancel/", views.counter_cancel, name="counter-cancel"),
    path("window/mandates/", mandates.mandate_record, name="mandate-record"),
    path("window/applications/<str:number>/", views.window_application, name="window-application"),
    path("window/applications/<str:number>/intake/", views.window_intake, name="window-intake"),
    path("window/applications/<str:number>/upload/", views.window_upload, name="window-upload"),
    path("window/applications/<str:number>/supplement/", views.window_supplement, name="window-supplement"),
    path("window/applications/<str:number>/deliver/", views.window_deliver, name="window-deliver"),
    path("window/applications/<str:number>/tolerated/", views.window_tolerated, name="window-tolerated"),
    path("documents/<str:number>.pdf", views.document_pdf, name="document-pdf"),
    path("uploads/<uuid:pk>/", views.upload_file, name="upload-file"),
    path("department/", views.department_queue, name="department-queue"),
    path("department/cases/<int:pk>/", views.department_case, name="department-case"),
    path("department/cases/<int:pk>/act/", views.department_case_act, name="department-case-act"),
    path(
        "department/commitments/<int:pk>/check/", views.department_commitment_check, name="commitment-check"
    ),
    path("admin/", views.admin_overview, name="admin"),
    path("audit/", views.audit, name="audit"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.signin, name="login"),
    path("logout/", views.signout, name="logout"),
    path("oidc/start/", views.oidc_start, name="oidc-start"),
    path("oidc/callback/", views.oidc_callback, name="oidc-callback"),
    path("otp/verify/", views.otp_verify, name="otp-verify"),
    path("otp/setup/", views.otp_setup, name="otp-setup"),
    path("enterprise/staff/", views.enterprise_staff, name="enterprise-staff"),
]

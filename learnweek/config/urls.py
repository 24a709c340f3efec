from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from learnweek.api.api import api
from learnweek.backoffice import activation_views, security_views
from learnweek.backoffice.views import PasswordChangeView

urlpatterns = [
    path("", include("learnweek.public.urls")),
    path("office/", include("learnweek.backoffice.urls")),
    path("api/v1/", api.urls),
    # issue 26: security — the login page that says why a session ended, and the second step
    path("accounts/login/", security_views.LoginView.as_view(), name="login"),
    path("accounts/two-factor/", security_views.otp_verify_view, name="otp_verify"),
    path("accounts/two-factor/setup/", security_views.otp_setup_view, name="otp_setup"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # issue 26: accounts
    path("accounts/activate/", activation_views.activate, name="account_activate"),
    path(
        "accounts/activate/<str:uidb64>/<str:token>/",
        activation_views.activate_link,
        name="account_activate_link",
    ),
    path("accounts/password-reset/", activation_views.password_reset, name="password_reset"),
    path(
        "accounts/password-reset/<str:uidb64>/<str:token>/",
        activation_views.password_reset_link,
        name="password_reset_link",
    ),
    # end of issue 26: accounts
    path("django-admin/", admin.site.urls),
]

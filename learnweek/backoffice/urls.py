from django.urls import path

from learnweek.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("units/<str:code>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<str:code>/history/", views.unit_history, name="unit_history"),
    path("units/<str:code>/institutions/new/", views.institution_new, name="institution_new"),
    path("units/<str:code>/institutions/import/", views.institution_import, name="institution_import"),
    path("units/<str:code>/designations/new/", views.designation_new, name="designation_new"),
    path("units/<str:code>/accounts/new/", views.staff_new, name="staff_new"),
    path("accounts/", views.staff_list, name="staff_list"),
    path("accounts/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("accounts/<int:pk>/toggle-active/", views.staff_toggle_active, name="staff_toggle_active"),
]

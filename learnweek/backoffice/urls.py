from django.urls import path

from learnweek.backoffice import activity_views as av
from learnweek.backoffice import campaign_views as cv
from learnweek.backoffice import registration_views as rv
from learnweek.backoffice import stats_views as sv
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
    path("campaigns/", cv.campaign_list, name="campaigns"),
    path("campaigns/new/", cv.campaign_new, name="campaign_new"),
    path("campaigns/<slug:slug>/", cv.campaign_detail, name="campaign"),
    path("campaigns/<slug:slug>/edit/", cv.campaign_edit, name="campaign_edit"),
    path("campaigns/<slug:slug>/status/", cv.campaign_status, name="campaign_status"),
    path("campaigns/<slug:slug>/derive/", cv.campaign_derive, name="campaign_derive"),
    path("campaigns/<slug:slug>/contacts/new/", cv.contact_new, name="contact_new"),
    path("campaigns/<slug:slug>/requirements/new/", cv.requirement_new, name="requirement_new"),
    path("campaigns/<slug:slug>/weeks/", cv.week_slots, name="week_slots"),
    path("tasks/", cv.my_tasks, name="tasks"),
    path("stats/<slug:slug>/", sv.stats_page, name="stats"),
    path("stats/<slug:slug>/header/", sv.stats_header, name="stats_header"),
    path("stats/<slug:slug>/submit/<int:pk>/", sv.stats_submit, name="stats_submit"),
    path("stats/<slug:slug>/export.<str:fmt>", sv.stats_export, name="stats_export"),
    path("stats/<slug:slug>/activities/", sv.stats_drill, name="stats_drill"),
    path("stats/<slug:slug>/cities/", sv.stats_cities, name="stats_cities"),
    path("stats/<slug:slug>/totals/", sv.stats_totals, name="stats_totals"),
    path("stats/<slug:slug>/totals/<int:pk>/delete/", sv.stats_total_delete, name="stats_total_delete"),
    path("activities/", av.activity_list, name="activities"),
    path("activities/new/", av.activity_new, name="activity_new"),
    path("activities/import/", av.activity_import, name="activity_import"),
    path("activities/export.xlsx", av.activity_export, name="activity_export"),
    path("activities/<int:pk>/", av.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", av.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/registrations/", rv.registrations, name="activity_registrations"),
    path("activities/<int:pk>/checkin/", rv.checkin_post, name="activity_checkin"),
    path("activities/<int:pk>/cancel/", rv.cancel, name="activity_cancel"),
    path("requirements/<int:pk>/submission/", cv.submission_edit, name="submission_edit"),
    path("requirements/<int:pk>/board/", cv.board, name="board"),
    path("requirements/<int:pk>/board.xlsx", cv.board_export, name="board_export"),
    path("requirements/<int:pk>/remind/", cv.board_remind, name="board_remind"),
    path("submissions/<int:pk>/", cv.submission_detail, name="submission"),
    path("submissions/<int:pk>/review/", cv.submission_review, name="submission_review"),
]

from django.urls import path

from learnweek.backoffice import activity_views as av
from learnweek.backoffice import campaign_views as cv
from learnweek.backoffice import material_views as mv
from learnweek.backoffice import nomination_views as nv
from learnweek.backoffice import reading_views as readv
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
    path("requirements/<int:pk>/nominations/", nv.level_page, name="nominations"),
    path("requirements/<int:pk>/nominations/new/", nv.nomination_new, name="nomination_new"),
    path("requirements/<int:pk>/nominations/summary.<str:fmt>", nv.level_summary, name="nomination_summary"),
    path("requirements/<int:pk>/nominations/sheet/", nv.level_sheet, name="nomination_sheet"),
    path("requirements/<int:pk>/nominations/move/", nv.level_move, name="nomination_move"),
    path("requirements/<int:pk>/nominations/ranking/", nv.ranking_page, name="nomination_ranking"),
    path("nominations/<int:pk>/", nv.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/edit/", nv.nomination_edit, name="nomination_edit"),
    path("nominations/<int:pk>/act/", nv.nomination_act, name="nomination_act"),
    path("nominations/<int:pk>/form.docx", nv.nomination_docx, name="nomination_docx"),
    path("nominations/<int:pk>/scan/", nv.nomination_file, {"what": "scan"}, name="nomination_scan"),
    path(
        "nominations/<int:pk>/photos/<int:photo>/",
        nv.nomination_file,
        {"what": "photo"},
        name="nomination_photo",
    ),
    path(
        "nominations/<int:pk>/photos/<int:photo>/thumb/",
        nv.nomination_file,
        {"what": "thumb"},
        name="nomination_thumb",
    ),
    path("campaigns/<slug:slug>/nominations.zip", nv.unit_package, name="nomination_package"),
    path("reading/", readv.reading_home, name="reading"),
    path("reading/lists/new/", readv.list_new, name="book_list_new"),
    path("reading/lists/<int:pk>/", readv.list_detail, name="book_list"),
    path("reading/lists/<int:pk>/edit/", readv.list_edit, name="book_list_edit"),
    path("reading/lists/<int:pk>/entries/<int:entry>/remove/", readv.entry_remove, name="book_entry_remove"),
    path("reading/lectures/new/", readv.lecture_new, name="lecture_new"),
    path("reading/lectures/<int:pk>/edit/", readv.lecture_edit, name="lecture_edit"),
    path("reading/books/import/", readv.book_import, name="book_import"),
    path("submissions/<int:pk>/", cv.submission_detail, name="submission"),
    path("submissions/<int:pk>/review/", cv.submission_review, name="submission_review"),
    path("submissions/<int:pk>/material/", mv.material_act, name="material_act"),
    path(
        "submissions/<int:pk>/photos/<int:item>/", mv.material_file, {"what": "photo"}, name="material_photo"
    ),
    path(
        "submissions/<int:pk>/photos/<int:item>/thumb/",
        mv.material_file,
        {"what": "thumb"},
        name="material_thumb",
    ),
    path(
        "submissions/<int:pk>/documents/<int:item>/",
        mv.material_file,
        {"what": "document"},
        name="material_document",
    ),
    path("campaigns/<slug:slug>/materials.zip", cv.materials_package, name="materials_package"),
]

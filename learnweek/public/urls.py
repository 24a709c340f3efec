from django.urls import path

from learnweek.public import (
    activity_views,
    exhibition_views,
    my_reading_views,
    privacy_views,
    reading_views,
    resident_views,
    showcase_views,
    views,
)
from learnweek.public.region_forms import remembers_region

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("campaigns/<slug:slug>/", views.campaign, name="campaign"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:year>/", views.calendar, name="calendar_year"),
    # The region a visitor opens or looks for is the one the home page shows next time.
    path("regions/<str:code>/", remembers_region(views.region), name="region"),
    path("regions/<str:code>/poster.png", views.region_poster, name="region_poster"),
    path("activities/", remembers_region(activity_views.finder), name="finder"),
    path("activities/feed.ics", activity_views.finder_ics, name="finder_ics"),
    path("activities/<int:pk>/", activity_views.activity, name="activity"),
    path("activities/<int:pk>/seats/", activity_views.activity_seats, name="activity_seats"),
    path("activities/<int:pk>/poster.png", activity_views.activity_poster_png, name="activity_poster"),
    path("activities/<int:pk>/calendar.ics", activity_views.activity_ics, name="activity_ics"),
    path("activities/<int:pk>/register/", resident_views.register, name="register"),
    path("signin/", resident_views.sign_in, name="sign_in"),
    path("me/", resident_views.me, name="me"),
    path("me/registrations/<int:pk>/cancel/", resident_views.cancel, name="cancel"),
    path("me/reading/", my_reading_views.my_reading, name="my_reading"),
    path("me/reading/act/", my_reading_views.my_reading_act, name="my_reading_act"),
    path("me/reading/entries/<int:pk>/delete/", my_reading_views.my_reading_delete, name="my_reading_delete"),
    path("elder/", resident_views.elder_toggle, name="elder"),
    # issue 26: privacy
    path("privacy/", privacy_views.privacy, name="privacy"),
    path("me/data/", privacy_views.my_data, name="my_data"),
    path("me/delete/", privacy_views.delete_account, name="delete_account"),
    path("reading/", reading_views.reading_home, name="reading"),
    path("reading/lists/<int:pk>/", reading_views.book_list, name="book_list"),
    path("reading/catalogue/", reading_views.reading_catalogue, name="catalogue"),
    path("reading/lectures/", reading_views.lecture_hall, name="lectures"),
    path("reading/lectures/feed.ics", reading_views.lecture_feed, name="lecture_feed"),
    path("reading/lectures/<int:pk>/calendar.ics", reading_views.lecture_ics, name="lecture_ics"),
    path("reading/lectures/<int:pk>/", reading_views.lecture, name="lecture"),
    path("reading/books/<str:isbn>/", reading_views.book, name="book"),
    path("reading/essays/", reading_views.essays, name="essays"),
    path("reading/essays/<int:pk>/", reading_views.essay_call, name="essay_call"),
    path("exhibition/", exhibition_views.exhibition, name="exhibition"),
    path("exhibition/<int:pk>/", exhibition_views.exhibition_board, name="exhibition_board"),
    path(
        "exhibition/<int:pk>/photos/<int:photo>.jpg",
        exhibition_views.exhibition_photo,
        name="exhibition_photo",
    ),
    path(
        "exhibition/<int:pk>/photos/<int:photo>/thumb.jpg",
        exhibition_views.exhibition_photo,
        {"size": "thumb"},
        name="exhibition_thumb",
    ),
    path("showcase/", showcase_views.showcase_list, name="showcase"),
    path("showcase/<int:pk>/", showcase_views.showcase_detail, name="showcase_item"),
    path("showcase/<int:pk>/photos/<int:photo>.jpg", showcase_views.showcase_photo, name="showcase_photo"),
    path(
        "showcase/<int:pk>/photos/<int:photo>/thumb.jpg",
        showcase_views.showcase_photo,
        {"size": "thumb"},
        name="showcase_thumb",
    ),
]

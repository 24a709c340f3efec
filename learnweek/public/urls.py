from django.urls import path

from learnweek.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/<slug:slug>/", views.campaign, name="campaign"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:year>/", views.calendar, name="calendar_year"),
]

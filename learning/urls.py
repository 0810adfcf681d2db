from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("learn/", views.guide_list, name="index"),
    path("learn/<slug:guide>/", views.guide_detail, name="guide"),
    path("learn/<slug:guide>/<slug:lesson>/", views.lesson_detail, name="lesson"),
    path("learn/<slug:guide>/<slug:lesson>/check/", views.lesson_check, name="lesson_check"),
]

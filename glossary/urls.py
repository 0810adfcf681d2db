from django.urls import path

from glossary import views

app_name = "glossary"

urlpatterns = [
    path("glossary/", views.term_index, name="index"),
    path("corrections/", views.correction_list, name="corrections"),
    path("glossary/topics/", views.topic_list, name="topics"),
    path("glossary/topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("glossary/<str:slug>/", views.term_detail, name="term"),
    path("glossary/<str:slug>/share.png", views.term_share_image, name="share-image"),
]

from django.urls import path

from calculators import catalog_api, views

app_name = "sizing_api"

urlpatterns = [
    path("<str:slug>", views.sizing_api, name="endpoint"),
]

# /api/v1/models and /api/v1/models/<slug>, included by config/urls.py beside the sizing ones.
catalog_urlpatterns = [
    path("models", catalog_api.model_list, name="models"),
    path("models/<str:slug>", catalog_api.model_detail, name="model"),
]

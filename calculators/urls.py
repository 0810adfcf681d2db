from django.urls import path

from calculators import views

app_name = "calculators"

urlpatterns = [
    path("calculators/", views.calculator_index, name="index"),
    path("calculators/<slug:slug>/", views.calculator_detail, name="detail"),
    path("calculators/<slug:slug>/config-json/", views.calculator_config, name="config"),
    path("calculators/<slug:slug>/result", views.calculator_result, name="result"),
    path("embed/calculators/<slug:slug>/", views.calculator_embed, name="embed"),
]

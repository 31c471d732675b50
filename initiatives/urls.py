"""The lists of reference data. An initiative's, an expected result's and a country's own
pages are in reports/urls.py."""

from django.urls import path

from initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("initiatives/", views.initiative_list, name="initiative_list"),
    path("countries/", views.country_list, name="country_list"),
]

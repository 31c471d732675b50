from django.urls import path

from initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("initiatives/", views.initiative_list, name="initiative_list"),
    path(
        "initiatives/<str:plan_code>/<str:code>/",
        views.initiative_detail,
        name="initiative_detail",
    ),
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:iso3>/", views.country_detail, name="country_detail"),
]

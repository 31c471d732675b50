from django.urls import path

from activities import views

app_name = "activities"

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
]

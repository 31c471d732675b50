"""REST API endpoints (config/api_urls.py gathers them)."""

routes = []
urlpatterns = []

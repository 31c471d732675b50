"""The REST API's work data (/api/v1/): activities and progress reports, read and written
through the one write path (activities.services), and what every endpoint shares: personal
tokens (`auth`) and errors as problem details (`problems`). config/api_urls.py gathers the
endpoints of every app."""

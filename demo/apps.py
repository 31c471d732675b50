"""The demo and benchmark data, kept out of the product apps: the demo set that `seed_demo`
loads (fixtures/demo.json, written by `build_demo_fixture`) and the synthetic data at scale of
`generate_demo_data`. Development and benchmarks only: the commands that write to the database
refuse to run without DEBUG=True. No models: it writes the activities app's.

Dependencies go one way, `demo → activities → initiatives`: no product app imports `demo`.
"""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo and benchmark data"

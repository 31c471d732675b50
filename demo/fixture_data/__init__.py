"""The demo activities of the Asia-Pacific office and their progress reports, as of AS_OF
(demo.fixture): what `build_demo_fixture` writes to fixtures/demo.json and `seed_demo` loads.
One module per initiative (or two) of the ASP region; the data reads as a table: one activity per
`Demo(...)` block, one report per `R(...)` line or two, with the values it gives the demo's
indicators (`indicators`, all marked as demo) in its `values=`.

It leaves gaps on purpose — expected results with no activity, LDC/SIDS/LLDC countries not
reached, ongoing activities with no recent approved report — so that the dashboards have
something to show.
"""

from demo.fixture_data import (
    asp1_asp2_special_needs_and_digital,
    asp3_connectivity,
    asp4_innovation,
    asp5_safe_and_secure,
    indicators,
)

# In the fixture's order: another order would rewrite fixtures/demo.json.
ACTIVITIES = [
    *asp5_safe_and_secure.ACTIVITIES,
    *asp3_connectivity.ACTIVITIES,
    *asp1_asp2_special_needs_and_digital.ACTIVITIES,
    *asp4_innovation.ACTIVITIES,
]

INDICATORS = indicators.INDICATORS

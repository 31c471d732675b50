"""The demo activities of the Asia-Pacific office and their progress reports, as of AS_OF
(demo.fixture): what `build_demo_fixture` writes to fixtures/demo.json and `seed_demo` loads.
One module per initiative (or two) of the ASP region; the data reads as a table: one activity per
`Demo(...)` block, one report per `R(...)` line or two, with the values it gives the demo's
indicators (`indicators`, all marked as demo) in its `values=`.

An activity's money is its `budget` (whole units of its `currency`) from its `funding` source,
split across its years by demo.fixture, with a part from a second source for some
(`cofunding=Funding(...)`) and the shares it sets across its expected results for a few
(`shares=`, else equal shares). Funding partners and amounts are illustrative, not real
commitments; so are the rates of exchange that the fixture ships with them.

It leaves gaps on purpose — expected results with no activity, LDC/SIDS/LLDC countries not
reached, ongoing activities with no recent approved report, and one missing rate of exchange
(the Swiss franc of July 2026, demo.fixture.MISSING_RATES: the 2026 Q3 expenditure in francs
shows as not converted) — so that the dashboards have something to show.
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

"""The dashboards' figures, counted in one place for the pages, the JSON, the downloads and the
regional report.

The counting rules, each defined once:

- An activity counts for a year when `Activity.objects.counted_in(year)` has it: its dates
  overlap the year (a planned activity counts in the year it starts only), and it is neither
  archived nor cancelled. A region's figures for an action plan count the region's activities
  that advance at least one expected result of that plan.
- An activity advances an expected result when it is linked to it, or to an earlier plan's
  expected result that it continues (`ExpectedResult.continues`): it then counts "via the
  previous plan" (`ActivityExpectedResult.objects.counting_for` and `counted_pairs`, the one
  definition that figures, lists and filters use). Reported indicator values stay with the
  indicators of the result they were reported for.
- With ?work=all (`PlanScope.all_work`), the activities and countries reached count all work
  in the year, whatever its plan; the expected results' figures are the same either way.
- An expected result is *covered* when at least one ongoing or completed activity advances it.
- A country is *reached* when at least one ongoing or completed activity has it.
- A country counts as LDC, SIDS or LLDC for a year when it was in the group on any day of that
  year (`Country.groups_during`).
- Only approved progress reports count (percent complete, people reached).

Every figure is a `Figure`: its value and the link to the list of exactly what it counts —
the activity list (filtered with the same rules: `year` is `active_in`, `group` with a year is
"during the year", `status` excludes cancelled), or this app's lists of countries and of
expected results. A test checks that each list's total equals its figure.

Whatever the number of activities, a region's figures take a fixed number of queries: the
activities that count, their links to expected results and to countries are fetched once as
plain rows, and everything else is counted from those rows.

Where each part is: `scope` (a Figure, the scope of the figures and the links to their lists, the
Rows fetched once), `region` (RegionFigures, built by `region_figures()` or
`all_region_figures()`), and the parts of RegionFigures: `expected_results`, `matrix`,
`finances`, `people_stale` and `regional_report`.
"""

"""The demo's reported indicators, for the ASP expected results its activities advance: made up
for the demonstration (the reference text sets no official indicators), so each is marked
`is_demo`, with an illustrative 2025 baseline and targets for 2026, 2027 and the end of the plan.

A sum's targets are a year's total, a cumulative one's the total since the plan began (its
baseline is 0: nothing counted before), a latest value's the level reached, a count of
countries' the countries with a value that year. The reports' values (`values=` of the reports
in the other modules) put the 2026 dashboard at a mix: on track, at risk, off track, and not
started where no approved report gives a value yet.
"""

from demo.fixture import Indicator

SEX, AGE, DISABILITY, COUNTRY = "sex", "age", "disability", "country"

# fmt: off
INDICATORS = [
    # code, name, unit, aggregation, baseline, targets (2026, 2027, end of plan), by
    Indicator("ASP1.1-1", "Policy and regulatory frameworks: stage reached", "milestone",
              "latest", 1, (2, 3, 4)),
    Indicator("ASP1.2-1", "Regulators and policy makers trained", "number", "sum",
              140, (200, 220, 250), by=(SEX,)),
    Indicator("ASP1.3-1", "Communities and public sites newly connected", "number", "sum",
              6, (12, 20, 25), by=(COUNTRY,)),
    Indicator("ASP2.1-1", "Government agencies assessed for digital readiness", "number",
              "cumulative", 0, (30, 60, 120)),
    Indicator("ASP2.3-1", "Schools mapped with a costed connectivity plan", "number",
              "cumulative", 0, (500, 900, 1500), by=(COUNTRY,)),
    Indicator("ASP2.4-1", "People trained in digital skills", "number", "sum",
              900, (1200, 1500, 1800), by=(SEX, AGE, DISABILITY)),
    Indicator("ASP2.4-2", "Trainees reporting better digital skills after the course",
              "percent", "latest", 65, (75, 80, 85)),
    Indicator("ASP3.1-1", "Countries with an adopted digital broadcasting roadmap", "number",
              "countries", 0, (1, 2, 4), by=(COUNTRY,)),
    Indicator("ASP3.3-1", "Countries with an adopted broadband plan", "number", "countries",
              0, (1, 2, 3), by=(COUNTRY,)),
    Indicator("ASP3.4-1", "IXPs established", "number", "cumulative", 0, (1, 2, 4)),
    Indicator("ASP3.4-2", "Community networks operating", "number", "latest", 0, (3, 5, 6)),
    Indicator("ASP3.6-1", "Spectrum management staff trained", "number", "sum",
              45, (80, 90, 100), by=(SEX,)),
    Indicator("ASP4.4-1", "Startups and MSMEs supported", "number", "sum",
              90, (150, 180, 220), by=(COUNTRY,)),
    Indicator("ASP4.6-1", "National digital innovation strategy: stage reached", "milestone",
              "latest", 0, (1, 3, 4)),
    Indicator("ASP5.1-1", "National CIRTs operational", "number", "latest",
              4, (5, 6, 8), by=(COUNTRY,)),
    Indicator("ASP5.2-1", "Countries in regional CIRT cooperation programmes", "number",
              "countries", 6, (8, 10, 12), by=(COUNTRY,)),
    Indicator("ASP5.3-1", "Children and young people reached by online safety sessions",
              "number", "sum", 600, (1500, 2500, 3000), by=(SEX, COUNTRY)),
    Indicator("ASP5.4-1", "National emergency telecommunication plan: stage reached",
              "milestone", "latest", 1, (3, 3, 4)),
    Indicator("ASP5.6-1", "Population covered by cell broadcast early warnings", "percent",
              "latest", 40, (70, 85, 95)),
    Indicator("ASP5.9-1", "National e-waste statistics compiled", "yes_no", "latest",
              0, (1, 1, 1)),
]
# fmt: on

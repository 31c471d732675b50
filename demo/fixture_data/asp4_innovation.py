"""Demo activities for ASP4, innovation: startups and MSMEs, innovation policy and strategy."""

from demo.fixture import REVIEWER, Demo
from demo.fixture import Report as R
from demo.fixture import Value as V

# fmt: off
ACTIVITIES = [
    Demo(
        "Innovation hub mentoring for ICT startups, Indonesia and Philippines",
        ["IDN", "PHL"], ["ASP4.4", "ASP4.2"], "ongoing", "capacity_building",
        "2025-09-01", "2027-08-31",
        "Mentoring and acceleration programme for ICT startups run with national innovation "
        "hubs, and a review of the regulatory barriers startups meet.",
        funding="extra_budgetary", budget=125000,
        funding_partner="Ministry of Communication and Digital Affairs (Indonesia)",
        partners="Ministry of Communication and Digital Affairs (Indonesia); Department of "
        "Information and Communications Technology (Philippines); ITU Innovation and "
        "Entrepreneurship Alliance",
        groups=["youth", "women-and-girls"], women=95, men=130,
        reports=[
            R(2026, 1, "approved", 35,
              "40 startups selected from 310 applications; bootcamp in Jakarta.", "",
              "Mentoring.", women=17, men=23,
              values={"ASP4.4-1": V(40, country={"IDN": 22, "PHL": 18})}),
            R(2026, 3, "approved", 70,
              "Mentoring with 22 mentors; demo day in Manila; 9 startups raised seed funding.",
              "", "Barriers report.", women=41, men=55),
        ],
    ),
    Demo(
        "Regulatory barriers for ICT startups and MSMEs, Cambodia",
        ["KHM"], ["ASP4.2", "ASP4.1"], "completed", "study",
        "2025-06-01", "2026-04-30",
        "Review of licensing, foreign-investment and data rules that hold back ICT startups and "
        "MSMEs, with recommendations to the ministry.",
        funding="regular_budget", budget=30000,
        partners="Ministry of Post and Telecommunications; Techo Startup Center",
        reports=[
            R(2026, 2, "approved", 100,
              "Final report submitted; licensing simplification taken up in the ministry's 2027 "
              "workplan.", "", "", status="completed"),
        ],
    ),
    Demo(
        "ICT policy adviser placed with the Office of the Regulator, Samoa",
        ["WSM"], ["ASP1.1", "ASP4.1"], "ongoing", "other",
        "2026-01-05", "2026-12-31",
        "A policy adviser placed for a year with the Office of the Regulator to support the "
        "review of the Telecommunications Act and the new licensing rules.",
        funding="in_kind",
        partners="Office of the Regulator; Ministry of Communications and Information "
        "Technology",
        reports=[
            R(2026, 2, "approved", 45,
              "Gap analysis of the Telecommunications Act 2005 delivered; public consultation "
              "paper on licensing published.", "", "Draft amendments.",
              values={"ASP1.1-1": 1}),
            R(2026, 3, "approved", 70,
              "Draft amendments and licensing rules sent to the Attorney General's office.",
              "Legislative drafting capacity is thin.", "Hand-over notes; Cabinet paper.",
              values={"ASP1.1-1": 2}),
        ],
    ),
    Demo(
        "National digital innovation strategy, Bhutan",
        ["BTN"], ["ASP4.6"], "ongoing", "policy_assistance",
        "2026-02-15", "2027-03-31",
        "Drafting of the national digital innovation strategy with GovTech and the private "
        "sector.",
        funding="ict_df", budget=50000,
        partners="GovTech Agency; Thimphu TechPark",
        focal_point=REVIEWER,
        reports=[
            R(2026, 3, "approved", 45, "Zero draft of the strategy.", "", "Validation.",
              values={"ASP4.6-1": 1}),
        ],
    ),
]
# fmt: on

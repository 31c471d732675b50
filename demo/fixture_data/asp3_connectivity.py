"""Demo activities for ASP3, infrastructure and connectivity: spectrum, universal service,
IXPs and IPv6, community networks, satellite and broadband.
"""

from demo.fixture import REVIEWER, Demo, Funding
from demo.fixture import Report as R
from demo.fixture import Value as V

# fmt: off
ACTIVITIES = [
    Demo(
        "Spectrum management training for Bhutan and Nepal regulators",
        ["BTN", "NPL"], ["ASP3.6", "ASP1.2"], "ongoing", "capacity_building",
        "2026-02-01", "2027-03-31",
        "Hands-on training on spectrum planning, licensing, pricing and monitoring for the "
        "regulators of two landlocked Himalayan countries, with a WRC-27 preparation module.",
        funding="regular_budget", budget=60000, currency="CHF",
        partners="Bhutan InfoComm and Media Authority; Nepal Telecommunications Authority; "
        "Asia-Pacific Telecommunity",
        women=18, men=39,
        reports=[
            R(2026, 3, "approved", 55,
              "Module 1 (spectrum planning, SMS4DC) held in Thimphu and module 2 (monitoring and "
              "interference) in Kathmandu.",
              "Monitoring van unavailable for the field exercise.", "Module 3 online.",
              women=18, men=39,
              values={"ASP1.2-1": V(57, sex={"women": 18, "men": 39}),
                      "ASP3.6-1": V(57, sex={"women": 18, "men": 39})}),
            R(2026, 4, "draft", 65, "Module 3 (WRC-27 agenda items) started online.",
              values={"ASP1.2-1": V(22, sex={"women": 7, "men": 15}),
                      "ASP3.6-1": V(22, sex={"women": 7, "men": 15})}),
        ],
    ),
    Demo(
        "Spectrum monitoring system upgrade, Myanmar",
        ["MMR"], ["ASP3.6"], "suspended", "infrastructure",
        "2025-06-01", None,
        "Upgrade of fixed and mobile spectrum monitoring stations. Suspended in line with the "
        "United Nations country team's guidance.",
        funding="extra_budgetary", budget=310000, funding_partner="Republic of Korea (MSIT)",
        partners="Posts and Telecommunications Department",
    ),
    Demo(
        "Universal service fund review, Lao PDR",
        ["LAO"], ["ASP3.3", "ASP1.3"], "ongoing", "study",
        "2026-01-15", "2027-02-28",
        "Review of the universal service obligation fund's collection, governance and "
        "disbursement, with a pipeline of rural broadband projects for the years after LDC "
        "graduation.",
        funding="ict_df", budget=95000, currency="CHF",
        cofunding=Funding("extra_budgetary", 35000, "World Bank"),
        partners="Ministry of Technology and Communications; World Bank",
        groups=["rural-and-remote-communities"],
        reports=[
            R(2026, 3, "approved", 55,
              "Benchmark and draft findings presented to the ministry.", "",
              "Project pipeline for remote villages."),
            R(2026, 4, "draft", 60, "Site selection criteria drafted for the pipeline."),
        ],
    ),
    Demo(
        "IXP feasibility study, Timor-Leste",
        ["TLS"], ["ASP3.4"], "completed", "study",
        "2025-04-01", "2025-12-15",
        "Feasibility study for a neutral Internet exchange point in Dili: traffic, governance "
        "model, hosting site and costs.",
        funding="extra_budgetary", budget=45000, funding_partner="Internet Society",
        partners="Autoridade Nacional de Comunicações; APNIC; Internet Society",
        reports=[
            R(2025, 3, "approved", 60,
              "Traffic measured with the three operators; governance and hosting options "
              "discussed at a stakeholder workshop.",
              "One operator hesitant on peering.", "Final report."),
            R(2025, 4, "submitted", 100,
              "Final report recommending a neutral IXP hosted at the national university, with "
              "a two-year launch plan.", "", "", status="completed"),
        ],
    ),
    Demo(
        "IPv6 deployment workshop for Pacific operators",
        ["FJI", "FSM", "TON", "WSM", "VUT", "SLB"], ["ASP3.4"], "completed",
        "capacity_building",
        "2025-06-01", "2025-07-31",
        "Hands-on IPv6 deployment workshop for engineers of operators and ISPs of six Pacific "
        "island countries, held in Nadi alongside the PITA annual meeting.",
        funding="regular_budget", budget=30000,
        partners="APNIC; Pacific Islands Telecommunications Association",
        women=9, men=31,
        reports=[
            R(2025, 3, "approved", 100,
              "Workshop held on 1-4 July 2025 with 40 engineers; three operators committed to "
              "IPv6 trials.", "", "", women=9, men=31, status="completed"),
        ],
    ),
    Demo(
        "Community network pilot, Nauru",
        ["NRU"], ["ASP3.4"], "cancelled", "project",
        "2026-02-01", None,
        "Community Wi-Fi network pilot for outlying districts. Cancelled at the government's "
        "request after the national network upgrade made it redundant.",
        funding="ict_df",
        partners="Nauru ICT Department",
    ),
    Demo(
        "Community networks for indigenous communities, Sarawak, Malaysia",
        ["MYS"], ["ASP3.4", "ASP1.3"], "ongoing", "project",
        "2025-11-01", "2027-10-31",
        "Community-owned wireless networks in longhouse communities of interior Sarawak, with "
        "local technicians trained to run them.",
        funding="extra_budgetary", budget=130000,
        funding_partner="Malaysian Communications and Multimedia Commission",
        partners="Malaysian Communications and Multimedia Commission; Universiti Malaysia "
        "Sarawak; Internet Society",
        groups=["indigenous-peoples", "rural-and-remote-communities"], women=14, men=22,
        reports=[
            R(2026, 1, "approved", 20,
              "Three communities selected; free, prior and informed consent obtained; 15 "
              "future local technicians identified.", "",
              "Installation at the first site.", women=6, men=9,
              values={"ASP3.4-2": 0}),
            R(2026, 2, "draft", 30, "First site installed.",
              challenges="River access only in the dry season.",
              values={"ASP1.3-1": V(1, country={"MYS": 1}), "ASP3.4-2": 1}),
        ],
    ),
    Demo(
        "Rural connectivity by satellite for outer islands, Tuvalu",
        ["TUV"], ["ASP1.3", "ASP3.7"], "ongoing", "infrastructure",
        "2025-09-01", "2027-08-31",
        "Satellite backhaul and Wi-Fi hotspots for the community centres, schools and clinics of "
        "Tuvalu's outer islands.",
        funding="extra_budgetary", budget=350000,
        funding_partner="Government of Australia (DFAT)", shares=(40, 60),
        partners="Ministry of Transport, Energy, Communications and Innovation; Tuvalu "
        "Telecommunications Corporation; Kacific Broadband Satellites",
        groups=["rural-and-remote-communities"], reference="DEMO-9TUV25003",
        reports=[
            R(2026, 1, "approved", 30, "Terminals and solar kits procured.",
              "Shipping to the outer islands is monthly.", "Installation.",
              values={"ASP1.3-1": 0}),
            R(2026, 3, "submitted", 45, "Three of eight sites installed and connected.",
              "A vessel breakdown delayed installation on Nukulaelae.", "Remaining five sites.",
              values={"ASP1.3-1": V(3, country={"TUV": 3})}),
        ],
    ),
    Demo(
        "Analogue switch-off plan for terrestrial television, Cambodia",
        ["KHM"], ["ASP3.1"], "completed", "policy_assistance",
        "2025-02-01", "2026-05-31",
        "Roadmap for analogue switch-off and the use of the digital dividend, with a set-top "
        "box assistance scheme for poor households.",
        funding="regular_budget", budget=50000,
        partners="Ministry of Information; Telecommunication Regulator of Cambodia; Asia-Pacific "
        "Broadcasting Union",
        reports=[
            R(2025, 4, "returned", 60, "Draft roadmap shared.",
              comment="Which frequency plan was shared, and with whom? Please attach the draft "
              "and list the broadcasters consulted."),
            R(2026, 2, "approved", 100,
              "Roadmap and frequency plan adopted by the ministry after consultation with 9 "
              "broadcasters; analogue switch-off set for 2028.", "", "", status="completed",
              values={"ASP3.1-1": V(1, country={"KHM": 1})}),
        ],
    ),
    Demo(
        "5G spectrum roadmap and pricing study, Pakistan",
        ["PAK"], ["ASP3.2", "ASP3.6"], "ongoing", "study",
        "2025-12-01", "2026-12-31",
        "Study on 5G band plans, spectrum valuation and auction design for the mid-band "
        "release.",
        funding="extra_budgetary", budget=110000,
        funding_partner="Pakistan Telecommunication Authority",
        partners="Pakistan Telecommunication Authority; Frequency Allocation Board; Ministry of "
        "IT and Telecom",
        focal_point=REVIEWER,
        reports=[
            R(2026, 3, "approved", 75, "Auction design options presented to the FAB.",
              "Litigation over one band may delay the release.", "Final report in Q4."),
            R(2026, 4, "draft", 85, "Final report in drafting."),
        ],
    ),
    Demo(
        "Asia-Pacific Information Superhighway connectivity study, South Asia",
        ["BTN", "NPL", "BGD", "IND"], ["ASP3.8"], "completed", "study",
        "2025-03-01", "2025-12-31",
        "Study of cross-border fibre links and transit costs for Bhutan and Nepal through India "
        "and Bangladesh, in the Asia-Pacific Information Superhighway framework.",
        funding="in_kind",
        partners="UN ESCAP; Bhutan InfoComm and Media Authority; Nepal Telecommunications "
        "Authority; Bangladesh Telecommunication Regulatory Commission",
        reports=[
            R(2025, 4, "approved", 100,
              "Study presented at the AP-IS steering committee: transit costs for Bhutan and "
              "Nepal could fall by a third with a second cross-border route.", "", "",
              status="completed"),
        ],
    ),
    Demo(
        "Regional preparatory workshop for WRC-27",
        ["IDN", "PHL", "THA", "VNM", "MYS", "IND"], ["ASP3.6"], "planned", "event",
        "2027-02-15", "2027-04-30",
        "Workshop on the WRC-27 agenda items and common Asia-Pacific proposals, with the "
        "Radiocommunication Bureau.",
        funding="regular_budget", budget=45000, currency="CHF",
        partners="Asia-Pacific Telecommunity (APG-27); ITU Radiocommunication Bureau",
        focal_point=REVIEWER,
    ),
    Demo(
        "Broadband policy review, Papua New Guinea",
        ["PNG"], ["ASP3.3", "ASP1.1"], "suspended", "policy_assistance",
        "2025-10-01", None,
        "Review of the national broadband policy and its targets. Suspended while the "
        "government reorganizes the ICT ministry.",
        funding="regular_budget", budget=45000,
        partners="Department of Information and Communications Technology; National Information "
        "and Communications Technology Authority",
        reports=[
            R(2026, 1, "approved", 25,
              "Work suspended on 20 March pending the ministry's reorganization.",
              "No counterpart since the restructuring.", "Resume when a focal point is named.",
              status="suspended"),
        ],
    ),
]
# fmt: on

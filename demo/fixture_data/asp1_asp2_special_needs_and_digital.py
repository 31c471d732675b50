"""Demo activities for ASP1, the special needs of LDCs, SIDS and LLDCs, and for ASP2, digital
transformation: digital government, skills and inclusion, smart villages, AI and standards.
"""

from demo.fixture import Demo, Funding
from demo.fixture import Report as R
from demo.fixture import Value as V

# fmt: off
ACTIVITIES = [
    Demo(
        "ICT chapter of smooth transition strategies after LDC graduation",
        ["LAO", "BGD", "NPL"], ["ASP1.5"], "ongoing", "study",
        "2026-02-01", "2027-06-30",
        "Analysis of the ICT support measures that graduating LDCs lose, and of the measures to "
        "include in their smooth transition strategies under the Doha Programme of Action.",
        funding="regular_budget", budget=40000,
        partners="UN-OHRLLS; UN DESA (Committee for Development Policy secretariat); UN ESCAP",
        reports=[
            R(2026, 2, "approved", 25, "Inventory of ICT-related LDC support measures.", "",
              "Country consultations."),
            R(2026, 3, "approved", 45, "Consultations in Vientiane and Kathmandu.",
              "Dhaka consultation postponed.", "Dhaka consultation; draft chapters."),
        ],
    ),
    Demo(
        "Asia-Pacific Regulators' Roundtable 2026",
        ["THA", "MDV", "BTN", "KHM", "LAO", "MNG"], ["ASP1.2", "ASP4.1"], "completed", "event",
        "2026-03-01", "2026-05-31",
        "Annual roundtable of regulators and policy makers on collaborative regulation, "
        "investment and affordability, with a capacity track for LDC and LLDC regulators.",
        funding="regular_budget", budget=70000,
        cofunding=Funding("in_kind", 15000, "Office of the NBTC, Thailand"),
        partners="Office of the NBTC (Thailand); Asia-Pacific Telecommunity",
        women=41, men=88,
        reports=[
            R(2026, 2, "approved", 100,
              "Roundtable held in Bangkok on 5-7 May: 129 participants, outcome statement on "
              "collaborative regulation.", "", "", women=41, men=88, status="completed",
              values={"ASP1.2-1": V(129, sex={"women": 41, "men": 88})}),
        ],
    ),
    Demo(
        "Digital government readiness assessment, Mongolia",
        ["MNG"], ["ASP2.1"], "ongoing", "study",
        "2026-03-15", "2027-01-31",
        "Assessment of digital government platforms, interoperability and digital identity, "
        "with recommendations for the next e-Mongolia programme.",
        funding="regular_budget", budget=35000,
        partners="Ministry of Digital Development, Innovation and Communications; UNDP",
        reports=[
            R(2026, 3, "approved", 50,
              "Survey of 24 agencies, interviews and platform review completed.", "",
              "Draft report.", values={"ASP2.1-1": 24}),
            R(2026, 4, "submitted", 70, "Draft report shared with the ministry.", "",
              "Validation workshop in January."),
        ],
    ),
    Demo(
        "Digital government strategy, Palau",
        ["PLW"], ["ASP2.1", "ASP1.1"], "planned", "policy_assistance",
        "2027-01-10", "2027-12-20",
        "Support to drafting Palau's digital government strategy and its implementation plan.",
        funding="regular_budget",
        partners="Ministry of Public Infrastructure and Industries",
    ),
    Demo(
        "Digital skills for women entrepreneurs, Bangladesh",
        ["BGD"], ["ASP2.4", "ASP4.4"], "ongoing", "capacity_building",
        "2025-10-01", "2027-06-30",
        "Digital marketing, e-commerce and digital payment skills for women-led micro and small "
        "enterprises in eight districts, delivered through union digital centres.",
        funding="extra_budgetary", budget=180000,
        funding_partner="Government of Bangladesh (a2i)",
        partners="Aspire to Innovate (a2i); SME Foundation; UN Women",
        groups=["women-and-girls", "rural-and-remote-communities"], women=1240, men=35,
        reference="DEMO-9BGD25004",
        reports=[
            R(2026, 2, "returned", 50, "Roll-out in 3 more districts.",
              comment="The numbers of women and men trained are missing; please add them and "
              "the district names.",
              values={"ASP2.4-1": 310, "ASP4.4-1": V(80, country={"BGD": 80})}),
            R(2026, 3, "approved", 65,
              "Roll-out in Rangpur, Sylhet and Khulna divisions: 470 entrepreneurs trained; 120 "
              "now sell online.", "Power cuts during sessions.",
              "Last two districts; follow-up survey.", women=455, men=15,
              values={"ASP2.4-1": V(470, sex={"women": 455, "men": 15},
                                    age={"under_25": 96, "25_64": 352, "65_over": 8,
                                         "unknown": 14},
                                    disability={"with": 9, "without": 461}),
                      "ASP2.4-2": 74,
                      "ASP4.4-1": V(120, country={"BGD": 120})}),
        ],
    ),
    Demo(
        "Digital literacy for persons with disabilities, Sri Lanka",
        ["LKA"], ["ASP2.4"], "ongoing", "capacity_building",
        "2026-01-15", "2027-01-14",
        "Accessible digital literacy courses and assistive technology for persons with "
        "disabilities, delivered with disabled persons' organizations.",
        funding="ict_df", budget=75000, currency="CHF",
        partners="Information and Communication Technology Agency of Sri Lanka; "
        "Telecommunications Regulatory Commission of Sri Lanka; Disability Organizations Joint "
        "Front",
        groups=["persons-with-disabilities"], women=215, men=190,
        reports=[
            R(2026, 2, "approved", 40, "Pilot courses in Colombo and Kandy for 160 learners.",
              "", "Courses in the Northern Province.", women=88, men=72,
              values={"ASP2.4-1": V(160, sex={"women": 88, "men": 72},
                                    age={"under_25": 38, "25_64": 104, "65_over": 12,
                                         "unknown": 6},
                                    disability={"with": 160}),
                      "ASP2.4-2": 71}),
            R(2026, 3, "approved", 60, "Courses in Jaffna and Vavuniya for 175 learners.",
              "Few screen readers in Tamil.", "Train more trainers.", women=90, men=85,
              values={"ASP2.4-1": V(175, sex={"women": 90, "men": 85},
                                    age={"under_25": 41, "25_64": 115, "65_over": 19},
                                    disability={"with": 175}),
                      "ASP2.4-2": 82}),
        ],
    ),
    Demo(
        "Digital inclusion for older persons, Thailand",
        ["THA"], ["ASP2.4"], "ongoing", "capacity_building",
        "2026-05-01", "2027-04-30",
        "Digital skills and online safety courses for older persons in community learning "
        "centres.",
        funding="in_kind",
        partners="Department of Older Persons; Digital Economy Promotion Agency; Office of the "
        "NBTC",
        groups=["older-persons"], women=48, men=31,
        reports=[
            R(2026, 3, "draft", 20,
              "Course adapted from the ITU toolkit; 12 centres selected; first sessions held.",
              values={"ASP2.4-1": V(79, sex={"women": 48, "men": 31}, age={"65_over": 79})}),
        ],
    ),
    Demo(
        "Smart Villages pilot, Nepal",
        ["NPL"], ["ASP2.3", "ASP1.3"], "ongoing", "project",
        "2025-07-01", "2027-06-30",
        "Connectivity and digital services (telehealth, e-agriculture, e-learning) for two "
        "mountain villages, as part of the ITU Smart Villages and Smart Islands initiative.",
        funding="extra_budgetary", budget=220000, funding_partner="Asian Development Bank",
        cofunding=Funding("regular_budget", 40000),
        partners="Ministry of Communication and Information Technology; Nepal Telecommunications "
        "Authority; FAO",
        groups=["rural-and-remote-communities", "women-and-girls"], women=180, men=165,
        reports=[
            R(2026, 3, "approved", 60,
              "Both villages connected; telehealth link with the district hospital and "
              "e-agriculture advisory service with FAO running; 185 villagers trained.",
              "Monsoon damage to one pole route.", "Training in the second village.",
              women=92, men=93, values={"ASP1.3-1": V(2, country={"NPL": 2})}),
            R(2026, 4, "draft", 65, "Training in the second village started."),
        ],
    ),
    Demo(
        "Digital agriculture services pilot, Samoa",
        ["WSM"], ["ASP2.3"], "planned", "project",
        "2027-01-15", "2028-06-30",
        "Mobile advisory and market-price services for farmers and fishers on Savai'i, under "
        "the Smart Islands initiative.",
        funding="extra_budgetary", budget=140000,
        funding_partner="Government of New Zealand (MFAT)",
        partners="Ministry of Agriculture and Fisheries; Office of the Regulator; FAO",
        groups=["rural-and-remote-communities"],
    ),
    Demo(
        "School connectivity mapping with Giga, Timor-Leste and Kiribati",
        ["TLS", "KIR"], ["ASP2.3", "ASP1.3"], "ongoing", "study",
        "2025-11-01", "2026-12-31",
        "Mapping of schools and their connectivity, and costed connectivity plans, with the "
        "Giga initiative of ITU and UNICEF.",
        funding="extra_budgetary", budget=85000, funding_partner="UNICEF (Giga)",
        partners="Giga (ITU and UNICEF); Ministry of Transport and Communications "
        "(Timor-Leste); Ministry of Education (Kiribati)",
        groups=["youth"],
        reports=[
            R(2026, 3, "approved", 75, "Costed plans for both countries drafted.",
              "Kiribati outer-island costs depend on the new satellite tender.", "Validation.",
              values={"ASP2.3-1": V(515, country={"TLS": 420, "KIR": 95})}),
            R(2026, 4, "submitted", 90,
              "Validation workshops held in Dili (October) and Tarawa (November).", "",
              "Hand over the plans and the school map."),
        ],
    ),
    Demo(
        "Asia-Pacific forum on AI and emerging technologies for development",
        ["KOR", "IND", "IDN", "MYS", "VNM"], ["ASP2.6", "ASP4.6"], "completed", "event",
        "2026-06-01", "2026-09-30",
        "Regional forum on AI governance, AI skills and compute access for developing "
        "countries, hosted in Seoul.",
        funding="regular_budget", budget=60000,
        partners="Ministry of Science and ICT (Republic of Korea); National Information Society "
        "Agency",
        groups=["youth"], women=96, men=142,
        reports=[
            R(2026, 3, "submitted", 100,
              "Forum held in Seoul on 8-9 September with 238 participants from 21 countries.",
              "", "Publish the summary.", women=96, men=142, status="completed"),
        ],
    ),
    Demo(
        "Bridging the standardization gap: training for South Asia",
        ["BGD", "NPL", "BTN", "LKA"], ["ASP2.5"], "planned", "capacity_building",
        "2027-04-01", None,
        "Training on taking part in ITU-T study groups and on running national standardization "
        "secretariats.",
        funding="regular_budget", budget=25000,
        partners="ITU Telecommunication Standardization Bureau",
    ),
]
# fmt: on

"""Demo activities for ASP5, a safe, secure and resilient ICT environment: cybersecurity,
child online protection, e-waste, emergency telecommunications and climate resilience.
"""

from demo.fixture import REVIEWER, Demo, Funding
from demo.fixture import Report as R
from demo.fixture import Value as V

# fmt: off
ACTIVITIES = [
    Demo(
        "National emergency telecommunication plan for Tonga",
        ["TON"], ["ASP5.4", "ASP1.4"], "completed", "policy_assistance",
        "2025-03-01", "2026-06-30",
        "Drafting, with the national emergency management office and both operators, the "
        "national emergency telecommunication plan (NETP) that Tonga lacked when the 2022 "
        "Hunga Tonga-Hunga Ha'apai eruption cut its submarine cable, and its validation.",
        funding="regular_budget", budget=85000,
        partners="Ministry of Meteorology, Energy, Information, Disaster Management, Environment, "
        "Climate Change and Communications (MEIDECC); National Emergency Management Office; "
        "Tonga Communications Corporation; Digicel Tonga",
        groups=["rural-and-remote-communities"], women=34, men=41, reference="DEMO-9TON25001",
        reports=[
            R(2026, 1, "approved", 80,
              "Tabletop exercise on a cable-cut scenario held with 38 participants; comments "
              "incorporated in the second draft of the NETP.",
              "Cabinet schedule may delay endorsement.",
              "Validation workshop; submission to Cabinet.", women=17, men=21,
              values={"ASP5.4-1": 2}),
            R(2026, 2, "approved", 100,
              "NETP validated by stakeholders (37 participants) and endorsed by Cabinet on "
              "12 June 2026.", "",
              "Hand over; follow-up SOP training under the Pacific resilience programme.",
              women=17, men=20, status="completed",
              evidence="https://example.org/demo/tonga-netp-endorsed.pdf",
              values={"ASP5.4-1": 3}),
        ],
    ),
    Demo(
        "Cyberdrill for Pacific island CIRTs",
        ["FJI", "TON", "WSM", "VUT", "PNG", "SLB"], ["ASP5.2", "ASP5.1"], "completed", "event",
        "2025-08-01", "2025-09-30",
        "Regional cyberdrill with scenario-based exercises on ransomware and DNS hijacking for "
        "the national CIRTs and critical infrastructure operators of six Pacific island "
        "countries, held in Suva.",
        funding="extra_budgetary", budget=120000,
        funding_partner="Government of Australia (DFAT)",
        partners="Pacific Cyber Security Operational Network (PaCSON); APNIC; CERT Tonga; "
        "Government of Australia (DFAT)",
        groups=["youth"], women=22, men=47,
        reports=[
            R(2025, 3, "approved", 100,
              "Cyberdrill held in Suva on 9-11 September 2025: 69 participants from 6 countries, "
              "4 scenarios; after-action report shared with all CIRTs.",
              "Two teams joined remotely over poor links.", "Follow-up drill in 2027.",
              women=22, men=47, status="completed",
              evidence="https://example.org/demo/pacific-cyberdrill-2025-report.pdf",
              comment="Good report. Please keep the after-action report on file.",
              values={"ASP5.1-1": V(4, country={"FJI": 1, "TON": 1, "WSM": 1, "VUT": 1}),
                      "ASP5.2-1": V(6, country={"FJI": 1, "TON": 1, "WSM": 1, "VUT": 1,
                                                "PNG": 1, "SLB": 1})}),
        ],
    ),
    Demo(
        "National cybersecurity strategy, Solomon Islands",
        ["SLB"], ["ASP5.1", "ASP1.1"], "ongoing", "policy_assistance",
        "2026-01-12", "2027-03-31",
        "Assistance to the Ministry of Communication and Aviation in drafting the national "
        "cybersecurity strategy and its action plan, following the ITU National Cybersecurity "
        "Strategy Guide.",
        funding="regular_budget", budget=65000,
        cofunding=Funding("extra_budgetary", 25000, "Government of Australia (DFAT)"),
        partners="Ministry of Communication and Aviation; Telecommunications Commission of "
        "Solomon Islands; Government of Australia (DFAT)",
        reports=[
            R(2026, 1, "approved", 15,
              "Kick-off workshop in Honiara; steering committee nominated.",
              "Slow nomination of agency focal points.", "National consultations in Q2.",
              values={"ASP5.1-1": 0}),
            R(2026, 3, "returned", 35,
              "National consultations held with government, operators and banks; outline of "
              "the strategy drafted.",
              "Consultations slipped from Q2 to Q3.", "Circulate the draft strategy.",
              comment="Percent complete jumps from 15 to 35 with no draft attached. Please add "
              "the consultation report as evidence and say why there was no Q2 report.",
              values={"ASP1.1-1": 1}),
        ],
    ),
    Demo(
        "Establishment of a national CIRT, Kiribati",
        ["KIR"], ["ASP5.1"], "planned", "project",
        "2027-02-01", "2028-06-30",
        "Readiness assessment, design and establishment of Kiribati's national computer incident "
        "response team, with training of its first analysts.",
        funding="extra_budgetary", budget=240000,
        funding_partner="Government of New Zealand (MFAT)",
        partners="Ministry of Information, Communications and Transport; Communications "
        "Commission of Kiribati",
    ),
    Demo(
        "Her CyberTracks mentorship for women in cybersecurity, South Asia",
        ["BGD", "NPL", "LKA", "MDV", "BTN"], ["ASP5.2", "ASP2.4"], "ongoing",
        "capacity_building",
        "2025-09-01", "2026-12-31",
        "Training, mentorship and role-model tracks of ITU's Her CyberTracks programme for women "
        "working in national CIRTs, regulators and ministries of five South Asian countries.",
        funding="extra_budgetary", budget=150000, currency="EUR",
        funding_partner="Government of Germany (GIZ)",
        partners="Bangladesh e-Government CIRT; Sri Lanka CERT|CC; Nepal Telecommunications "
        "Authority; Government of Germany (GIZ)",
        groups=["women-and-girls"], women=164, men=0,
        reports=[
            R(2026, 2, "approved", 70,
              "Regional academy in Colombo, 5 days, 48 participants; mentor matching completed "
              "for the second cohort.",
              "Visa delays for two Maldivian participants.", "Policy track.", women=48,
              values={"ASP2.4-1": V(48, sex={"women": 48}, age={"under_25": 7, "25_64": 41}),
                      "ASP5.2-1": V(4, country={"BGD": 1, "NPL": 1, "LKA": 1, "BTN": 1})}),
            R(2026, 3, "approved", 85,
              "Policy track delivered online; 23 mentees presented capstone projects.", "",
              "Closing event and evaluation in Q4.",
              values={"ASP5.2-1": V(5, country={"BGD": 1, "NPL": 1, "LKA": 1, "MDV": 1,
                                                "BTN": 1})}),
            R(2026, 4, "draft", 90,
              "Evaluation survey sent to the 112 mentees; closing event in Dhaka set for "
              "10 December.", next_steps="Closing event; final evaluation report."),
        ],
    ),
    Demo(
        "Child online protection awareness campaign, South-East Asia",
        ["PHL", "IDN", "THA", "MYS"], ["ASP5.3"], "ongoing", "capacity_building",
        "2025-10-01", "2027-06-30",
        "Train-the-trainer programme and school campaign on child online protection, built on "
        "the ITU COP guidelines, with ministries of ICT and education.",
        funding="in_kind",
        partners="Department of Information and Communications Technology (Philippines); "
        "Ministry of Communication and Digital Affairs (Indonesia); Malaysian Communications and "
        "Multimedia Commission; UNICEF",
        groups=["youth"], women=640, men=585,
        reports=[
            R(2026, 2, "returned", 40,
              "School sessions in 31 schools.", "Thai materials still in translation.",
              "Launch in Thailand and Malaysia.",
              comment="How many pupils and teachers took part, and how many girls and boys? "
              "Please add the numbers reached before I approve."),
            R(2026, 3, "approved", 55,
              "Thai and Malay materials published and launched in Bangkok; sessions in 31 "
              "schools in Q2 and Q3 reached 1 090 pupils.",
              "", "Sessions in Malaysia; parents' module.", women=560, men=530,
              values={"ASP5.3-1": V(1090, sex={"women": 560, "men": 530},
                                    country={"PHL": 610, "IDN": 480})}),
        ],
    ),
    Demo(
        "Combating SMS scams and caller ID spoofing, Mekong countries",
        ["KHM", "LAO", "THA", "VNM"], ["ASP5.7"], "completed", "event",
        "2025-05-01", "2025-11-30",
        "Regional workshop and guidelines on consumer protection against online fraud, SMS scams "
        "and calling line identification spoofing for Mekong regulators and operators.",
        funding="regular_budget", budget=40000,
        partners="Telecommunication Regulator of Cambodia; Office of the NBTC (Thailand); "
        "Viet Nam Telecommunications Authority; GSMA",
        women=23, men=52,
        reports=[
            R(2025, 4, "approved", 100,
              "Regional workshop in Bangkok with 75 participants from four regulators and eleven "
              "operators; guidelines on CLI spoofing adopted by the four regulators as a "
              "reference.", "", "", women=23, men=52, status="completed",
              evidence="https://example.org/demo/mekong-cli-spoofing-guidelines.pdf"),
        ],
    ),
    Demo(
        "E-waste policy, Viet Nam",
        ["VNM"], ["ASP5.9"], "ongoing", "policy_assistance",
        "2026-03-01", "2027-06-30",
        "Review of Viet Nam's extended producer responsibility rules for ICT equipment and "
        "drafting of a national e-waste action plan with collection targets.",
        funding="regular_budget", budget=70000,
        partners="Ministry of Science and Technology; Ministry of Agriculture and Environment; "
        "UNITAR SCYCLE Programme",
        reports=[
            R(2026, 3, "approved", 40,
              "E-waste statistics baseline compiled; field assessment in two recycling villages; "
              "consultation with producers' associations.",
              "Data on informal recycling is scarce.", "Draft action plan.",
              values={"ASP5.9-1": 1}),
            R(2026, 4, "draft", 50, "First draft of the action plan under internal review."),
        ],
    ),
    Demo(
        "E-waste collection pilot, Fiji and Samoa",
        ["FJI", "WSM"], ["ASP5.9"], "cancelled", "project",
        "2026-04-01", "2026-12-31",
        "Pilot take-back scheme for mobile phones and small ICT equipment with the operators of "
        "Fiji and Samoa. Cancelled when the partner's funding did not materialize.",
        funding="extra_budgetary", budget=90000, funding_partner="Government of Japan",
        partners="Secretariat of the Pacific Regional Environment Programme (SPREP)",
    ),
    Demo(
        "Early warning by cell broadcast, Vanuatu",
        ["VUT"], ["ASP5.6", "ASP5.4"], "ongoing", "project",
        "2026-01-05", "2027-12-31",
        "Cell broadcast and location-based SMS alerting linked to the meteorological and "
        "geo-hazards department, under the Early Warnings for All initiative.",
        funding="extra_budgetary", budget=275000, currency="EUR",
        funding_partner="European Union", shares=(70, 30),
        partners="Vanuatu Meteorology and Geo-hazards Department; Telecommunications, "
        "Radiocommunications and Broadcasting Regulator; National Disaster Management Office; "
        "Digicel Vanuatu; Vodafone Vanuatu",
        groups=["rural-and-remote-communities", "persons-with-disabilities"],
        reference="DEMO-9VAN26002",
        reports=[
            R(2026, 3, "approved", 45,
              "Alert gateway installed; first end-to-end test alert on both networks.",
              "Coverage gaps on Tanna and Malekula.", "National public test in Q4.",
              values={"ASP5.6-1": 55}),
            R(2026, 4, "submitted", 55,
              "National public test on 12 November reached an estimated 78% of handsets.",
              "Older handsets did not display the alert.",
              "Awareness campaign; accessible alert formats for persons with disabilities.",
              values={"ASP5.6-1": 78}),
        ],
    ),
    Demo(
        "Network resilience assessment after the cyclone season, Fiji",
        ["FJI"], ["ASP5.5", "ASP1.4"], "completed", "study",
        "2025-05-01", "2026-03-31",
        "Assessment of the resilience of mobile and backbone networks to cyclones and floods, "
        "with recommendations on backup power, site hardening and satellite backup.",
        funding="ict_df", budget=55000,
        partners="Ministry of Trade, Co-operatives, MSMEs and Communications; Telecommunications "
        "Authority of Fiji; Vodafone Fiji; Digicel Fiji",
        reports=[
            R(2025, 4, "returned", 60, "Operator interviews completed.",
              comment="Please report the findings, not only the interviews, and update the "
              "percent complete."),
            R(2026, 1, "approved", 100,
              "Final report with 14 recommendations presented to the regulator and operators.",
              "", "", status="completed",
              evidence="https://example.org/demo/fiji-network-resilience.pdf"),
        ],
    ),
    Demo(
        "Submarine cable resilience study, South Pacific",
        ["TON", "VUT", "FJI", "WSM"], ["ASP5.5", "ASP3.8"], "planned", "study",
        "2027-01-15", "2027-12-15",
        "Study of route diversity, repair arrangements and satellite fallback for the submarine "
        "cables of four South Pacific countries.",
        funding="extra_budgetary", budget=160000, funding_partner="World Bank",
        partners="Pacific Islands Telecommunications Association; World Bank; International "
        "Cable Protection Committee",
        focal_point=REVIEWER,
    ),
    Demo(
        "Emergency telecommunication equipment after the typhoon, Philippines",
        ["PHL"], ["ASP5.4", "ASP5.5"], "completed", "infrastructure",
        "2025-10-20", "2026-02-28",
        "Deployment of satellite terminals and portable base stations lent by ITU to restore "
        "connectivity for responders in the provinces hit by the typhoon.",
        funding="in_kind",
        partners="Department of Information and Communications Technology; Office of Civil "
        "Defense; Emergency Telecommunications Cluster",
        groups=["rural-and-remote-communities"],
        reports=[
            R(2026, 1, "approved", 100,
              "Equipment retrieved and inventoried; lessons-learned session with DICT.", "", "",
              status="completed"),
        ],
    ),
    Demo(
        "National emergency telecommunication plan, Marshall Islands",
        ["MHL"], ["ASP5.4"], "planned", "policy_assistance",
        "2027-03-01", "2028-02-28",
        "Development of the Marshall Islands' first national emergency telecommunication plan.",
        funding="regular_budget", budget=80000,
        partners="Ministry of Transportation, Communications and Information Technology; "
        "National Disaster Management Office",
    ),
    Demo(
        "Climate change strategy for the ICT sector, Maldives",
        ["MDV"], ["ASP5.8", "ASP1.5"], "ongoing", "policy_assistance",
        "2026-04-01", "2027-09-30",
        "Strategy on adapting ICT infrastructure to sea-level rise and on ICT-based climate "
        "monitoring, aligned with the Antigua and Barbuda Agenda for SIDS.",
        funding="ict_df", budget=60000,
        partners="Ministry of Climate Change, Environment and Energy; Communications Authority of "
        "Maldives",
    ),
]
# fmt: on

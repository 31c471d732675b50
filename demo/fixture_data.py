"""The demo activities of the Asia-Pacific office and their progress reports, as of AS_OF
(demo.fixture): what `build_demo_fixture` writes to fixtures/demo.json and `seed_demo` loads.

It leaves gaps on purpose — expected results with no activity, LDC/SIDS/LLDC countries not
reached, ongoing activities with no recent approved report — so that the dashboards have
something to show.
"""

from demo.fixture import REVIEWER, Demo, Report

R = Report

# The data reads as a table: one activity per block, one report per R(...) line or two.
# fmt: off
ACTIVITIES = [
    # --- ASP5: safe, secure and resilient ICT environment ------------------------------------
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
              "Validation workshop; submission to Cabinet.", women=17, men=21),
            R(2026, 2, "approved", 100,
              "NETP validated by stakeholders (37 participants) and endorsed by Cabinet on "
              "12 June 2026.", "",
              "Hand over; follow-up SOP training under the Pacific resilience programme.",
              women=17, men=20, status="completed",
              evidence="https://example.org/demo/tonga-netp-endorsed.pdf"),
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
              comment="Good report. Please keep the after-action report on file."),
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
        partners="Ministry of Communication and Aviation; Telecommunications Commission of "
        "Solomon Islands; Government of Australia (DFAT)",
        reports=[
            R(2026, 1, "approved", 15,
              "Kick-off workshop in Honiara; steering committee nominated.",
              "Slow nomination of agency focal points.", "National consultations in Q2."),
            R(2026, 3, "returned", 35,
              "National consultations held with government, operators and banks; outline of "
              "the strategy drafted.",
              "Consultations slipped from Q2 to Q3.", "Circulate the draft strategy.",
              comment="Percent complete jumps from 15 to 35 with no draft attached. Please add "
              "the consultation report as evidence and say why there was no Q2 report."),
        ],
    ),
    Demo(
        "Establishment of a national CIRT, Kiribati",
        ["KIR"], ["ASP5.1"], "planned", "project",
        "2027-02-01", "2028-06-30",
        "Readiness assessment, design and establishment of Kiribati's national computer incident "
        "response team, with training of its first analysts.",
        funding="extra_budgetary", budget=240000,
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
        funding="extra_budgetary", budget=150000,
        partners="Bangladesh e-Government CIRT; Sri Lanka CERT|CC; Nepal Telecommunications "
        "Authority; Government of Germany (GIZ)",
        groups=["women-and-girls"], women=164, men=0,
        reports=[
            R(2026, 2, "approved", 70,
              "Regional academy in Colombo, 5 days, 48 participants; mentor matching completed "
              "for the second cohort.",
              "Visa delays for two Maldivian participants.", "Policy track.", women=48),
            R(2026, 3, "approved", 85,
              "Policy track delivered online; 23 mentees presented capstone projects.", "",
              "Closing event and evaluation in Q4."),
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
              "", "Sessions in Malaysia; parents' module.", women=560, men=530),
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
              "Data on informal recycling is scarce.", "Draft action plan."),
            R(2026, 4, "draft", 50, "First draft of the action plan under internal review."),
        ],
    ),
    Demo(
        "E-waste collection pilot, Fiji and Samoa",
        ["FJI", "WSM"], ["ASP5.9"], "cancelled", "project",
        "2026-04-01", "2026-12-31",
        "Pilot take-back scheme for mobile phones and small ICT equipment with the operators of "
        "Fiji and Samoa. Cancelled when the partner's funding did not materialize.",
        funding="extra_budgetary", budget=90000,
        partners="Secretariat of the Pacific Regional Environment Programme (SPREP)",
    ),
    Demo(
        "Early warning by cell broadcast, Vanuatu",
        ["VUT"], ["ASP5.6", "ASP5.4"], "ongoing", "project",
        "2026-01-05", "2027-12-31",
        "Cell broadcast and location-based SMS alerting linked to the meteorological and "
        "geo-hazards department, under the Early Warnings for All initiative.",
        funding="extra_budgetary", budget=275000,
        partners="Vanuatu Meteorology and Geo-hazards Department; Telecommunications, "
        "Radiocommunications and Broadcasting Regulator; National Disaster Management Office; "
        "Digicel Vanuatu; Vodafone Vanuatu",
        groups=["rural-and-remote-communities", "persons-with-disabilities"],
        reference="DEMO-9VAN26002",
        reports=[
            R(2026, 3, "approved", 45,
              "Alert gateway installed; first end-to-end test alert on both networks.",
              "Coverage gaps on Tanna and Malekula.", "National public test in Q4."),
            R(2026, 4, "submitted", 55,
              "National public test on 12 November reached an estimated 78% of handsets.",
              "Older handsets did not display the alert.",
              "Awareness campaign; accessible alert formats for persons with disabilities."),
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
        funding="extra_budgetary", budget=160000,
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
    # --- ASP3: infrastructure and connectivity ------------------------------------------------
    Demo(
        "Spectrum management training for Bhutan and Nepal regulators",
        ["BTN", "NPL"], ["ASP3.6", "ASP1.2"], "ongoing", "capacity_building",
        "2026-02-01", "2027-03-31",
        "Hands-on training on spectrum planning, licensing, pricing and monitoring for the "
        "regulators of two landlocked Himalayan countries, with a WRC-27 preparation module.",
        funding="regular_budget", budget=60000,
        partners="Bhutan InfoComm and Media Authority; Nepal Telecommunications Authority; "
        "Asia-Pacific Telecommunity",
        women=18, men=39,
        reports=[
            R(2026, 3, "approved", 55,
              "Module 1 (spectrum planning, SMS4DC) held in Thimphu and module 2 (monitoring and "
              "interference) in Kathmandu.",
              "Monitoring van unavailable for the field exercise.", "Module 3 online.",
              women=18, men=39),
            R(2026, 4, "draft", 65, "Module 3 (WRC-27 agenda items) started online."),
        ],
    ),
    Demo(
        "Spectrum monitoring system upgrade, Myanmar",
        ["MMR"], ["ASP3.6"], "suspended", "infrastructure",
        "2025-06-01", None,
        "Upgrade of fixed and mobile spectrum monitoring stations. Suspended in line with the "
        "United Nations country team's guidance.",
        funding="extra_budgetary", budget=310000,
        partners="Posts and Telecommunications Department",
    ),
    Demo(
        "Universal service fund review, Lao PDR",
        ["LAO"], ["ASP3.3", "ASP1.3"], "ongoing", "study",
        "2026-01-15", "2027-02-28",
        "Review of the universal service obligation fund's collection, governance and "
        "disbursement, with a pipeline of rural broadband projects for the years after LDC "
        "graduation.",
        funding="ict_df", budget=95000,
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
        funding="extra_budgetary", budget=45000,
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
        partners="Malaysian Communications and Multimedia Commission; Universiti Malaysia "
        "Sarawak; Internet Society",
        groups=["indigenous-peoples", "rural-and-remote-communities"], women=14, men=22,
        reports=[
            R(2026, 1, "approved", 20,
              "Three communities selected; free, prior and informed consent obtained; 15 "
              "future local technicians identified.", "",
              "Installation at the first site.", women=6, men=9),
            R(2026, 2, "draft", 30, "First site installed.",
              challenges="River access only in the dry season."),
        ],
    ),
    Demo(
        "Rural connectivity by satellite for outer islands, Tuvalu",
        ["TUV"], ["ASP1.3", "ASP3.7"], "ongoing", "infrastructure",
        "2025-09-01", "2027-08-31",
        "Satellite backhaul and Wi-Fi hotspots for the community centres, schools and clinics of "
        "Tuvalu's outer islands.",
        funding="extra_budgetary", budget=350000,
        partners="Ministry of Transport, Energy, Communications and Innovation; Tuvalu "
        "Telecommunications Corporation; Kacific Broadband Satellites",
        groups=["rural-and-remote-communities"], reference="DEMO-9TUV25003",
        reports=[
            R(2026, 1, "approved", 30, "Terminals and solar kits procured.",
              "Shipping to the outer islands is monthly.", "Installation."),
            R(2026, 3, "submitted", 45, "Three of eight sites installed and connected.",
              "A vessel breakdown delayed installation on Nukulaelae.", "Remaining five sites."),
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
              "broadcasters; analogue switch-off set for 2028.", "", "", status="completed"),
        ],
    ),
    Demo(
        "5G spectrum roadmap and pricing study, Pakistan",
        ["PAK"], ["ASP3.2", "ASP3.6"], "ongoing", "study",
        "2025-12-01", "2026-12-31",
        "Study on 5G band plans, spectrum valuation and auction design for the mid-band "
        "release.",
        funding="extra_budgetary", budget=110000,
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
        funding="regular_budget", budget=45000,
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
    # --- ASP1 and ASP2: special needs, digital transformation ---------------------------------
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
        partners="Office of the NBTC (Thailand); Asia-Pacific Telecommunity",
        women=41, men=88,
        reports=[
            R(2026, 2, "approved", 100,
              "Roundtable held in Bangkok on 5-7 May: 129 participants, outcome statement on "
              "collaborative regulation.", "", "", women=41, men=88, status="completed"),
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
              "Draft report."),
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
        partners="Aspire to Innovate (a2i); SME Foundation; UN Women",
        groups=["women-and-girls", "rural-and-remote-communities"], women=1240, men=35,
        reference="DEMO-9BGD25004",
        reports=[
            R(2026, 2, "returned", 50, "Roll-out in 3 more districts.",
              comment="The numbers of women and men trained are missing; please add them and "
              "the district names."),
            R(2026, 3, "approved", 65,
              "Roll-out in Rangpur, Sylhet and Khulna divisions: 470 entrepreneurs trained; 120 "
              "now sell online.", "Power cuts during sessions.",
              "Last two districts; follow-up survey.", women=455, men=15),
        ],
    ),
    Demo(
        "Digital literacy for persons with disabilities, Sri Lanka",
        ["LKA"], ["ASP2.4"], "ongoing", "capacity_building",
        "2026-01-15", "2027-01-14",
        "Accessible digital literacy courses and assistive technology for persons with "
        "disabilities, delivered with disabled persons' organizations.",
        funding="ict_df", budget=75000,
        partners="Information and Communication Technology Agency of Sri Lanka; "
        "Telecommunications Regulatory Commission of Sri Lanka; Disability Organizations Joint "
        "Front",
        groups=["persons-with-disabilities"], women=215, men=190,
        reports=[
            R(2026, 2, "approved", 40, "Pilot courses in Colombo and Kandy for 160 learners.",
              "", "Courses in the Northern Province.", women=88, men=72),
            R(2026, 3, "approved", 60, "Courses in Jaffna and Vavuniya for 175 learners.",
              "Few screen readers in Tamil.", "Train more trainers.", women=90, men=85),
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
              "Course adapted from the ITU toolkit; 12 centres selected; first sessions held."),
        ],
    ),
    Demo(
        "Smart Villages pilot, Nepal",
        ["NPL"], ["ASP2.3", "ASP1.3"], "ongoing", "project",
        "2025-07-01", "2027-06-30",
        "Connectivity and digital services (telehealth, e-agriculture, e-learning) for two "
        "mountain villages, as part of the ITU Smart Villages and Smart Islands initiative.",
        funding="extra_budgetary", budget=220000,
        partners="Ministry of Communication and Information Technology; Nepal Telecommunications "
        "Authority; FAO",
        groups=["rural-and-remote-communities", "women-and-girls"], women=180, men=165,
        reports=[
            R(2026, 3, "approved", 60,
              "Both villages connected; telehealth link with the district hospital and "
              "e-agriculture advisory service with FAO running; 185 villagers trained.",
              "Monsoon damage to one pole route.", "Training in the second village.",
              women=92, men=93),
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
        partners="Ministry of Agriculture and Fisheries; Office of the Regulator; FAO",
        groups=["rural-and-remote-communities"],
    ),
    Demo(
        "School connectivity mapping with Giga, Timor-Leste and Kiribati",
        ["TLS", "KIR"], ["ASP2.3", "ASP1.3"], "ongoing", "study",
        "2025-11-01", "2026-12-31",
        "Mapping of schools and their connectivity, and costed connectivity plans, with the "
        "Giga initiative of ITU and UNICEF.",
        funding="extra_budgetary", budget=85000,
        partners="Giga (ITU and UNICEF); Ministry of Transport and Communications "
        "(Timor-Leste); Ministry of Education (Kiribati)",
        groups=["youth"],
        reports=[
            R(2026, 3, "approved", 75, "Costed plans for both countries drafted.",
              "Kiribati outer-island costs depend on the new satellite tender.", "Validation."),
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
    # --- ASP4: innovation ---------------------------------------------------------------------
    Demo(
        "Innovation hub mentoring for ICT startups, Indonesia and Philippines",
        ["IDN", "PHL"], ["ASP4.4", "ASP4.2"], "ongoing", "capacity_building",
        "2025-09-01", "2027-08-31",
        "Mentoring and acceleration programme for ICT startups run with national innovation "
        "hubs, and a review of the regulatory barriers startups meet.",
        funding="extra_budgetary", budget=125000,
        partners="Ministry of Communication and Digital Affairs (Indonesia); Department of "
        "Information and Communications Technology (Philippines); ITU Innovation and "
        "Entrepreneurship Alliance",
        groups=["youth", "women-and-girls"], women=95, men=130,
        reports=[
            R(2026, 1, "approved", 35,
              "40 startups selected from 310 applications; bootcamp in Jakarta.", "",
              "Mentoring.", women=17, men=23),
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
              "paper on licensing published.", "", "Draft amendments."),
            R(2026, 3, "approved", 70,
              "Draft amendments and licensing rules sent to the Attorney General's office.",
              "Legislative drafting capacity is thin.", "Hand-over notes; Cabinet paper."),
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
            R(2026, 3, "approved", 45, "Zero draft of the strategy.", "", "Validation."),
        ],
    ),
]
# fmt: on

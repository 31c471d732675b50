"""What generated activities are made of (demo.generator): topics by modality, how often
each modality, currency and funding source is drawn, durations, budgets, partners and funding
partners, people's names and the texts of progress reports."""

from activities.models import Activity

Modality = Activity.Modality

TOPICS = {
    Modality.POLICY_ASSISTANCE: [
        "National broadband plan review",
        "Universal service fund reform",
        "Spectrum licensing framework update",
        "National cybersecurity strategy drafting",
        "Data protection law review",
        "Digital transformation strategy",
        "National emergency telecommunication plan",
        "Quality of service regulation",
        "E-waste policy framework",
        "Infrastructure sharing regulation",
    ],
    Modality.CAPACITY_BUILDING: [
        "Spectrum monitoring training",
        "Digital skills for women entrepreneurs",
        "Cyber hygiene workshop for small businesses",
        "Regulatory economics course",
        "Training of trainers in digital literacy",
        "Child online protection training",
        "ICT accessibility training for public services",
        "Network resilience training for operators",
        "Youth coding bootcamp",
        "Digital skills for older persons",
    ],
    Modality.STUDY: [
        "IXP feasibility study",
        "ICT price basket assessment",
        "Digital inclusion survey",
        "Rural connectivity gap analysis",
        "Submarine cable resilience assessment",
        "Cybersecurity readiness assessment",
        "Spectrum valuation study",
        "Household ICT access and use survey",
        "Digital public infrastructure assessment",
    ],
    Modality.EVENT: [
        "National digital transformation forum",
        "Girls in ICT Day",
        "Regulators' roundtable",
        "National cyberdrill",
        "Smart villages dialogue",
        "Emergency telecommunication simulation exercise",
        "Digital inclusion week",
    ],
    Modality.INFRASTRUCTURE: [
        "School connectivity deployment",
        "Rural community network pilot",
        "Emergency telecommunication equipment deployment",
        "Early warning system rollout",
        "Public Wi-Fi for health centres",
        "Government data centre upgrade",
        "Spectrum monitoring station installation",
    ],
    Modality.PROJECT: [
        "Smart villages and islands project",
        "E-government services project",
        "Digital health pilot",
        "Digital agriculture pilot",
        "Government cloud project",
        "Accessible ICT project for persons with disabilities",
        "Connecting the unconnected project",
    ],
    Modality.OTHER: [
        "Advisory mission on ICT indicators",
        "Expert review of the telecommunication act",
        "Technical assistance on numbering",
        "Peer review of ICT regulation",
    ],
}
MODALITY_WEIGHTS = {
    Modality.POLICY_ASSISTANCE: 18,
    Modality.CAPACITY_BUILDING: 26,
    Modality.STUDY: 14,
    Modality.EVENT: 8,
    Modality.INFRASTRUCTURE: 12,
    Modality.PROJECT: 15,
    Modality.OTHER: 5,
}
# How long an activity of each modality runs, in days (lowest, highest).
DURATION_DAYS = {
    Modality.POLICY_ASSISTANCE: (180, 720),
    Modality.CAPACITY_BUILDING: (180, 720),  # a programme of courses, not one course
    Modality.STUDY: (180, 720),
    Modality.EVENT: (1, 5),
    Modality.INFRASTRUCTURE: (365, 1460),
    Modality.PROJECT: (365, 1460),
    Modality.OTHER: (180, 540),
}
# Budgets, in the currencies of its budget lines (lowest, highest).
BUDGETS = {
    Modality.POLICY_ASSISTANCE: (30_000, 250_000),
    Modality.CAPACITY_BUILDING: (10_000, 150_000),
    Modality.STUDY: (20_000, 200_000),
    Modality.EVENT: (5_000, 80_000),
    Modality.INFRASTRUCTURE: (100_000, 3_000_000),
    Modality.PROJECT: (100_000, 2_000_000),
    Modality.OTHER: (5_000, 100_000),
}
# Modalities whose reports count many people reached.
REACHING_MODALITIES = {Modality.CAPACITY_BUILDING, Modality.EVENT}
# How often an activity has a budget; one with a budget gets it from one funding source or,
# this often, part (20 to 50 %) from a second one; an activity advancing several expected
# results splits its money in equal shares or, this often, in shares an editor set.
WITH_BUDGET = 0.8
SECOND_SOURCE = 0.25
SET_SHARES = 0.05
# The currency of each funding source's money in an activity.
CURRENCIES = {"USD": 85, "CHF": 8, "EUR": 4, "AUD": 3}
FUNDING_SOURCES = {
    Activity.FundingSource.REGULAR_BUDGET: 35,
    Activity.FundingSource.ICT_DF: 14,
    Activity.FundingSource.EXTRA_BUDGETARY: 36,
    Activity.FundingSource.IN_KIND: 15,
}
# Who gives extra-budgetary money (illustrative, as everything generated: no real commitment).
FUNDING_PARTNERS = [
    "European Union",
    "World Bank",
    "Korea (MSIT)",
    "Japan (MIC)",
    "Government of Australia (DFAT)",
    "Host government, funds in trust",
]
PARTNERS = [
    "World Bank",
    "UNDP",
    "UNICEF (Giga)",
    "UNESCO",
    "GSMA",
    "Internet Society",
    "National regulatory authority",
    "Ministry of ICT",
    "European Union",
    "Korea (MSIT)",
    "Japan (MIC)",
]
# Partners that work in one region, besides those above.
REGIONAL_PARTNERS = {
    "AFR": ["African Union Commission", "African Telecommunications Union", "Smart Africa"],
    "AMS": ["CITEL", "Inter-American Development Bank", "CAF Development Bank of Latin America"],
    "ARB": ["Arab ICT Organization", "League of Arab States", "Islamic Development Bank"],
    "ASP": [
        "Asia-Pacific Telecommunity",
        "Government of Australia (DFAT)",
        "Asian Development Bank",
    ],
    "CIS": ["Regional Commonwealth in the field of Communications", "Eurasian Development Bank"],
    "EUR": ["CEPT", "BEREC", "European Investment Bank"],
}
FIRST_NAMES = [
    "Amina", "Ana", "Arjun", "Aroha", "Chen", "Dilnoza", "Fatima", "Hiroshi", "Ioane",
    "Kamala", "Leilani", "Malia", "Mei", "Nguyen", "Priya", "Rahim", "Sione", "Tenzin",
    "Tevita", "Wei", "Yusuf", "Zara",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Bose", "Chowdhury", "Fonua", "Gurung", "Hassan", "Kim", "Lal", "Latu", "Li",
    "Nakamura", "Perera", "Rahman", "Santos", "Silva", "Singh", "Tanaka", "Tran", "Tupou",
    "Wang",
]  # fmt: skip
ACHIEVEMENTS = [
    "Inception meeting held with the ministry and the regulator; work plan agreed.",
    "Trained {n} participants from the regulator and the operators.",
    "First draft delivered; comments received from {k} stakeholders.",
    "Field data collection completed in {k} provinces.",
    "Equipment procured; installation started at {k} sites.",
    "Validation workshop held with {n} participants.",
    "Final report delivered and presented to the ministry.",
    "National consultation held with {n} participants from government and civil society.",
]
CHALLENGES = [
    "Delays in nominating the national counterparts.",
    "Connectivity problems at remote sites.",
    "Procurement took longer than planned.",
    "Staff turnover at the counterpart ministry.",
    "Weather disrupted travel to the outer islands.",
]
NEXT_STEPS = [
    "Validation workshop with the stakeholders.",
    "Finalize the report and hand it over.",
    "Installation at the remaining sites.",
    "Hand over to the national team.",
    "Training of trainers.",
]
RETURN_COMMENTS = [
    "Give the number of participants by sex.",
    "Attach the workshop report as evidence.",
    "The percent complete does not match the achievements: please check.",
    "Say which expected result this quarter's work advanced.",
]

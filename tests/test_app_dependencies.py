"""Dependencies between the apps go one way, `reports → activities → initiatives`, and
`config/` stays at the edges (settings, URLs, middleware): no domain app imports it, nor an
app above it. (The demo app has its own check, tests/demo/.)"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

NOT_IMPORTED_BY = {
    "initiatives": ["config", "activities", "reports", "demo"],
    "activities": ["config", "reports", "demo"],
    "reports": ["config", "demo"],
}


def imports_of(module):
    return re.compile(rf"^\s*(from\s+{module}(\.|\s)|import\s+{module}\b)", re.MULTILINE)


@pytest.mark.parametrize(("app", "forbidden"), NOT_IMPORTED_BY.items())
def test_an_app_imports_nothing_above_it_nor_config(app, forbidden):
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for module in forbidden
        if imports_of(module).search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_check_would_see_an_import():
    assert imports_of("config").search("from config.history_admin import HistoryAdmin\n")
    assert imports_of("config").search("    import config\n")
    assert not imports_of("config").search("from configparser import x\n")

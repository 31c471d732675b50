"""The demo app depends on the product apps, never the other way: `demo → activities →
initiatives`, so that the product runs, and could ship, without the demo and benchmark data."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCT_APPS = ["config", "initiatives", "activities", "reports"]
IMPORTS_DEMO = re.compile(r"^\s*(from\s+demo(\.|\s)|import\s+demo\b)", re.MULTILINE)


@pytest.mark.parametrize("app", PRODUCT_APPS)
def test_it_is_imported_by_no_product_app(app):
    importers = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / app).rglob("*.py"))
        if IMPORTS_DEMO.search(path.read_text(encoding="utf-8"))
    ]
    assert importers == []


def test_the_check_would_see_an_import():
    assert IMPORTS_DEMO.search("from demo.generated import clear\n")
    assert IMPORTS_DEMO.search("    import demo\n")
    assert not IMPORTS_DEMO.search('    "demo",\n')
    assert not IMPORTS_DEMO.search("from demographics import x\n")

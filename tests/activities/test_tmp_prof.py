import time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from activities import spreadsheets
from activities.spreadsheets import importing
from tests.factories import budget_line_row, import_row, xlsx_with_budget_lines

def test_prof(asp_editor, monkeypatch):
    rows = [import_row(reference=f"ASP-{n:04}", title=f"A {n}", end_date="2027-12-31") for n in range(1000)]
    lines = [budget_line_row(reference=f"ASP-{n:04}", year=y, amount=n + y) for n in range(1000) for y in (2026, 2027)]
    data = xlsx_with_budget_lines(rows, lines)
    t = time.monotonic()
    plan = spreadsheets.prepare_import(data, asp_editor)
    print("prepare", time.monotonic() - t)
    from activities import money
    orig = money.save_budget_lines
    spent = [0]
    def timed(*a, **k):
        s = time.monotonic(); r = orig(*a, **k); spent[0] += time.monotonic() - s; return r
    monkeypatch.setattr(money, "save_budget_lines", timed)
    t = time.monotonic()
    with CaptureQueriesContext(connection) as q:
        spreadsheets.import_rows(data, asp_editor, "x.xlsx")
    print("import", time.monotonic() - t, "lines", spent[0], "queries", len(q))

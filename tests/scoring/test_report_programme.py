"""The programme report: one self-contained page of trends across teams and months, from the store's rows."""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.report_programme import Row, combine, month_axis, render_programme, rows_from_json
from tests.scoring.test_reports import GOLDEN, UPDATE, _Collector

# Two teams, three months, a dozen drills; one team's name is hostile, one month has no resolution at all.
ROWS = [
    Row("sre", "2026-01", "db-pool-exhaustion", 2, 58.0, 420, 1900, 3100, 0.5, 0.0, 0.5, 6, 0),
    Row("sre", "2026-02", "db-pool-exhaustion", 2, 71.5, 250, 1500, 2600, 1.0, 0.5, 0.5, 2, 3),
    Row("sre", "2026-03", "ddos", 1, 80.0, 170, 1100, 2000, 1.0, 1.0, 1.0, 1, 2),
    Row("sre", "2026-03", "tutorial", 1, 86.0, 130, 700, 1500, 1.0, 1.0, 1.0, 0, 2),
    Row("payments <b>&", "2026-01", "tutorial", 2, 66.0, 300, 1200, 2400, 0.5, 0.5, 1.0, 4, 0),
    Row("payments <b>&", "2026-02", "cert-expiry", 2, 62.0, 360, 1700, None, 0.5, 0.0, None, 3, 1),
    Row("payments <b>&", "2026-03", "cert-expiry", 2, 79.0, 200, 900, 1800, 1.0, 1.0, 1.0, 0, 5),
]


def page(rows: list[Row] = ROWS) -> str:
    return render_programme(rows, title="Acme drill programme, Q1 2026")


def test_matches_golden_file() -> None:
    path = GOLDEN / "programme.html"
    if UPDATE:
        path.write_text(page(), encoding="utf-8", newline="\n")
    assert page() == path.read_text(encoding="utf-8"), "programme.html changed; regenerate and review the diff"


def test_the_order_of_the_rows_does_not_matter() -> None:
    shuffled = ROWS[:]
    random.Random(3).shuffle(shuffled)
    assert page(shuffled).encode() == page().encode()


def test_self_contained_and_escaped() -> None:
    html = page()
    parser = _Collector()
    parser.feed(html)
    parser.close()
    assert not parser.open and not parser.refs
    assert "<script" not in html and not re.search(r"https?:", html)
    assert "<b>" not in html and "payments &lt;b&gt;&amp;" in html
    # Score, three response times, three target shares: one line chart each, and the items' bar chart.
    assert html.count('<svg class="chart"') == 8


def test_a_team_month_over_several_scenarios_weighs_them_by_drills() -> None:
    march = combine([r for r in ROWS if r.team == "sre" and r.month == "2026-03"])
    assert (march.drills, march.score, march.kpi["mtta"], march.opened, march.closed) == (2, 83.0, 150.0, 1, 4)
    feb = combine([r for r in ROWS if r.team.startswith("payments") and r.month == "2026-02"])
    assert feb.kpi["mttr"] is None and feb.met["mttr"] is None  # never resolved: no figure, not zero


def test_the_team_table_says_who_improved() -> None:
    html = page()
    sre = re.search(r"<tr><td>sre</td>(.*?)</tr>", html)
    assert sre is not None and sre.group(1).endswith('<td class="num">+25.0</td>')  # 58.0 in January, 83.0 in March


def test_no_rows_is_a_page_that_says_so() -> None:
    assert "No drills stored" in page([])


def _as_json(r: Row) -> dict[str, object]:
    """A row as the store prints it: the shares under `met`."""
    data = {k: v for k, v in r._asdict().items() if not k.startswith("met_")}
    return data | {"met": {"mtta": r.met_mtta, "mttm": r.met_mttm, "mttr": r.met_mttr}}


def test_rows_read_from_the_stores_json() -> None:
    doc = json.loads(json.dumps({"schema": 1, "rows": [_as_json(r) for r in ROWS]}))
    assert rows_from_json(doc) == ROWS


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=6),
    max_leaves=30,
)
FIELDS = st.sampled_from(["team", "month", "scenario", "drills", "score", "mtta", "met", "items_opened"])
# Rows that do parse, with numbers of every size: the charts must still draw.
NUMBERS = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**20), 10**20)
VALID = st.fixed_dictionaries(
    {"team": st.sampled_from(["a", "b"]), "month": st.sampled_from(["2026-01", "2026-02"]), "drills": NUMBERS,
     "score": NUMBERS, "mtta": NUMBERS, "items_opened": NUMBERS, "met": st.fixed_dictionaries({"mtta": NUMBERS})}
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.just("rows"), st.lists(st.dictionaries(FIELDS, JSON, max_size=8) | VALID, max_size=4)) | JSON)
def test_any_json_gives_rows_and_a_page(doc: object) -> None:
    rows = rows_from_json(doc if isinstance(doc, dict) else {})
    html = render_programme(rows)
    assert html.startswith("<!DOCTYPE html>")
    # Every coordinate is a finite number.
    assert not re.search(r' (?:[xy][12]?|c[xy]|width|height|points)="[^"]*(?:nan|inf)', html, re.IGNORECASE)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), True, "12", 1e300])
def test_a_value_of_the_wrong_kind_reads_as_missing(value: object) -> None:
    (row,) = rows_from_json({"rows": [{"team": "a", "month": "2026-01", "score": value, "drills": 1}]})
    assert row.score is None


def test_the_month_axis_shows_months_without_drills() -> None:
    assert month_axis(["2026-03", "2025-11", "2026-01"]) == ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    assert month_axis(["2020-01", "2026-01"]) == ["2020-01", "2026-01"]  # over five years: only those with rows
    assert month_axis(["2026-01", "soon"]) == ["2026-01", "soon"]
    html = page([*ROWS, Row("sre", "2026-06", "ddos", 1, 90.0)])
    assert html.count(">2026-05</text>") == 8  # on the axis of all eight charts, with no drill in May

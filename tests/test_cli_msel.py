"""`warroom export --format msel-csv` and `warroom import`, as a facilitator runs them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import scenarios
from sim.format.library import Library
from tui.cli import main


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WARROOM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_export_writes_bom_crlf_csv_to_stdout(home: Path) -> None:
    out = CliRunner().invoke(main, ["export", "tutorial", "--format", "msel-csv"])
    assert out.exit_code == 0, out.output
    assert out.stdout_bytes.startswith(b'\xef\xbb\xbf"Number","Scenario time",')
    assert b"\r\n" in out.stdout_bytes


def test_export_then_import_into_the_same_scenario(home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    csv_path, yaml_path = tmp_path / "ddos.csv", tmp_path / "ddos.yaml"
    assert runner.invoke(main, ["export", "ddos", "-o", str(csv_path)]).exit_code == 0
    made = runner.invoke(main, ["import", str(csv_path), "--into", "ddos", "-o", str(yaml_path)])
    assert made.exit_code == 0, made.output
    library = Library.bundled()
    original = library.open("ddos").scenario
    assert library.load_scenario(yaml_path).scenario == original


def test_import_onto_a_new_scaffold(home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    csv_path = tmp_path / "Quarterly drill.csv"
    csv_path.write_text(
        "Number,Scenario time,Trigger,Event synopsis,From,Delivery method,Expected action\n"
        '1,T+00:04:00,,"Support: customers see 500s, is it known?",support_lead,Chat,post_update\n'
        "2,,metric error_rate above 5 for 30s,Error rate is critical,Datadog,alert,\n",
        encoding="utf-8",
    )
    made = runner.invoke(main, ["import", str(csv_path), "--playbook", "samplemind", "--type", "outage"])
    assert made.exit_code == 0, made.output
    path = home / "scenarios" / "quarterly-drill.yaml"
    scenario = Library().load_scenario(path).scenario
    assert [(i.kind, i.trigger.at) for i in scenario.injects] == [("chat", 240.0), ("alert", None)]
    assert scenario.injects[0].text == "Support: customers see 500s, is it known?"
    again = runner.invoke(main, ["import", str(csv_path), "--playbook", "samplemind"])
    assert again.exit_code == 2 and "exists" in again.output


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (",metric nope above 3,x,alert", ":2:2: metric 'nope' is not defined"),
        ("T+00:01:00,,\x1b[31mred\x1b[0m,chat", ":2:13: Event synopsis: control character \\x1b is not allowed"),
    ],
)
def test_a_bad_list_says_where_and_writes_nothing(row: str, says: str, home: Path, tmp_path: Path) -> None:
    csv_path, out_path = tmp_path / "bad.csv", tmp_path / "out.yaml"
    csv_path.write_text(f"Time,Trigger,Synopsis,Kind\n{row}\n", "utf-8")
    made = CliRunner().invoke(main, ["import", str(csv_path), "--into", "tutorial", "-o", str(out_path)])
    assert made.exit_code == 1
    assert f"{csv_path}{says}" in made.stderr
    assert "Traceback" not in made.output and "\x1b" not in made.stderr  # hostile text is shown escaped
    assert not out_path.exists()


def test_import_needs_a_base(home: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "x.csv"
    csv_path.write_text("Time,Synopsis,Kind\nT+00:01:00,x,chat\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["import", str(csv_path)]).exit_code == 2
    both = ["import", str(csv_path), "--into", "tutorial", "--playbook", "samplemind"]
    assert CliRunner().invoke(main, both).exit_code == 2


def test_a_title_it_cannot_set_is_a_message_not_a_traceback(home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    base = tmp_path / "folded.yaml"
    text = (Path(scenarios.LIBRARY) / "tutorial.yaml").read_text(encoding="utf-8")
    base.write_text(re.sub(r"(?m)^title: .*$", "title: >-\n  A title\n  on two lines", text), encoding="utf-8")
    csv_path = tmp_path / "t.csv"
    assert runner.invoke(main, ["export", "tutorial", "-o", str(csv_path)]).exit_code == 0
    kept = runner.invoke(main, ["import", str(csv_path), "--into", str(base), "-o", "-"])
    assert kept.exit_code == 0, kept.output  # the title as it is: nothing to set
    assert "title: >-\n  A title\n  on two lines" in kept.stdout
    made = runner.invoke(main, ["import", str(csv_path), "--into", str(base), "--title", "New", "-o", "-"])
    assert made.exit_code == 1 and "not written on one line" in made.stderr
    assert "Traceback" not in made.output


def test_a_sheet_naming_another_scenarios_metrics_needs_into(home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    csv_path = tmp_path / "pool.csv"
    assert runner.invoke(main, ["export", "db-pool-exhaustion", "-o", str(csv_path)]).exit_code == 0
    made = runner.invoke(main, ["import", str(csv_path), "--playbook", "samplemind", "-o", "-"])
    assert made.exit_code == 1
    assert f"{csv_path}:2:8: metric 'latency_p95' is not defined" in made.stderr
    assert "--into that scenario" in made.stderr

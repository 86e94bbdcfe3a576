"""Reports list the facilitator's hints and notes and the lessons-learned answers, read from the journal."""

from __future__ import annotations

import json

from scoring.grade import grade
from scoring.report_html import render_html
from scoring.report_json import render_json
from scoring.report_md import render_markdown
from sim.engine.drill import Drill
from tests.sim.engine_fixtures import playbook, scenario


def test_reports_carry_facilitator_notes_and_lessons() -> None:
    s = scenario().model_copy(update={"debrief_questions": ["What gave it away?"]})
    d = Drill(s, playbook())
    d.advance(120)
    d.facilitate("hint", text="Look at <the pool>")
    d.facilitate("note", text="Slow to declare")
    d.end(by="facilitator")
    d.answer(0, "The connection graph")
    record = d.record
    card = grade(record, s, playbook())
    md = render_markdown(card, record, s, playbook())
    assert "## Facilitator Notes" in md and "Slow to declare" in md and "T+00:02:00" in md
    assert "## Lessons Learned" in md and "The connection graph" in md
    doc = json.loads(render_json(card, record, s, playbook()))
    assert [(e["kind"], e["text"]) for e in doc["facilitator"]] == [
        ("hint", "Look at <the pool>"),
        ("note", "Slow to declare"),
    ]
    assert doc["lessons_learned"] == [{"question": 0, "prompt": "What gave it away?", "answer": "The connection graph"}]
    html = render_html(card, record, s, playbook(), {})
    assert "Look at &lt;the pool&gt;" in html and "<h2>Lessons Learned</h2>" in html

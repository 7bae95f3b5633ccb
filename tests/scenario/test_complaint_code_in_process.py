"""The complaint flow's own diagram code is cheap by construction, so it runs in-process: a
script worker round trip per condition would cost more than the engine step around it."""

from __future__ import annotations


def test_complaint_flow_needs_no_script_worker(rt, complaint):
    before = rt.engine.scripts.runs
    run = complaint()
    run.drive()
    assert run.instance()["status"] == "completed"
    assert rt.engine.scripts.runs == before

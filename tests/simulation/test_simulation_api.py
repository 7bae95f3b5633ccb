"""Simulation runs through the API: a complaint on the run's own virtual clock, effects logged and
never sent, and kept apart from real cases (inbox, lists, counts, timers, the server's clock)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.clock import utcnow
from app.models import (
    AuditEntry,
    Incident,
    Notification,
    ProcessInstance,
    SimulationRun,
    TaskRecord,
    TimerRecord,
)
from app.runtime import Runtime
from app.services import dashboard
from app.services.simulation_log import LOG_LIMIT
from tests.diagrams import HEAD, two_step, with_service
from tests.timers.diagrams import cycle, intermediate

COMPLAINT = "complaint_handling"
FAILING = two_step(key="sim_fails", script="x = 1 / 0").decode()
FRIDAY_AFTERNOON = "2026-12-04T15:00:00+08:00"  # a Friday; Monday is 2026-12-07


def start(api: Any, **body: Any) -> dict[str, Any]:
    return api.post("/simulations", json={"process_key": COMPLAINT, "start_at": FRIDAY_AFTERNOON, **body}, expect=201)


def answer_first(api: Any, run: dict[str, Any], **changes: Any) -> dict[str, Any]:
    task = run["tasks"][0]
    data = {**task["sample"], **changes}
    return api.post(f"/simulations/{run['id']}/tasks/{task['id']}/complete", json={"data": data}, expect=200)


def kinds(run: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in run["log"] if e["kind"] == kind]


def counts(rt: Runtime) -> tuple[int, ...]:
    with rt.sessions() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(model)) or 0
            for model in (ProcessInstance, TaskRecord, TimerRecord, Notification, AuditEntry)
        )


def test_a_complaint_across_a_weekend_fires_its_timers_in_the_run_and_sends_nothing(login: Any, rt: Runtime) -> None:
    api = login("analyst")
    before = counts(rt)
    run = start(api)
    assert run["status"] == "running" and run["virtual_now"] == FRIDAY_AFTERNOON
    assert [t["element_id"] for t in run["tasks"]] == ["Task_ConfirmRecord"]
    assert {t["element_id"] for t in run["timers"]} == {"Timer_ContactReminder", "Timer_ContactBreach"}
    assert run["elements"]["Task_ConfirmRecord"]["state"] == "active"
    # the intake-derived tasks, answered with their generated samples
    run = answer_first(api, run)
    assert [t["element_id"] for t in run["tasks"]] == ["Task_ClassifyComplaint"]
    run = answer_first(api, run)
    assert [t["element_id"] for t in run["tasks"]] == ["Task_AcknowledgeHandover"]  # handed to quality (rule 2.4)
    run = answer_first(api, run)
    assert [t["element_id"] for t in run["tasks"]] == ["Task_Investigate"]
    due = {t["element_id"]: t["due"] for t in run["timers"]}
    assert due["Timer_HandlingReminder"] == "2026-12-05T09:00:00+08:00"  # 75 % of 24 h: Saturday
    assert due["Timer_HandlingBreach"] == "2026-12-05T15:00:00+08:00"

    # +24 working hours from Friday 15:00 crosses the weekend: Wednesday 15:00
    run = api.post(f"/simulations/{run['id']}/clock", json={"working_hours": 24}, expect=200)
    assert run["virtual_now"] == "2026-12-09T15:00:00+08:00"
    fired = kinds(run, "timer_fired")
    assert [(e["element_id"], e["at"]) for e in fired] == [
        ("Timer_PromiseBreach", "2026-12-04T16:00:00+08:00"),  # the sample promises the reply in 1 h
        ("Timer_HandlingReminder", "2026-12-05T09:00:00+08:00"),
        ("Timer_HandlingBreach", "2026-12-05T15:00:00+08:00"),
        ("Timer_QualityBreach", "2026-12-05T15:00:00+08:00"),  # a quality complaint: 24 h, then level D
        ("Timer_InvestigationReport", "2026-12-05T15:00:00+08:00"),  # the quality department's day
    ]  # each at its own due time, in order
    assert {"Timer_HandlingReminder", "Timer_HandlingBreach"} <= {
        k for k, v in run["elements"].items() if v["state"] == "completed"
    }
    assert run["flows_taken"]
    notes = kinds(run, "would_notify")
    assert {n["params"]["kind"] for n in notes} >= {"reminder", "escalation"}
    assert all(n["message"].startswith("would notify") for n in notes)
    # an escalation role of the procedure, mapped to the group the product would notify (level E: city managers)
    assert any("city_managers" in n["params"]["groups"] for n in notes if n["params"]["kind"] == "escalation")
    assert {t["element_id"] for t in run["timers"]} == {"Timer_UnresolvedReminder", "Timer_UnresolvedBreach"}
    # nothing real: no instance, task, timer row, notification or history entry
    assert counts(rt) == before


def test_the_run_keeps_its_state_between_requests(login: Any) -> None:
    api = login("analyst")
    run = answer_first(api, start(api))
    again = api.get(f"/simulations/{run['id']}", expect=200)
    assert [t["id"] for t in again["tasks"]] == [t["id"] for t in run["tasks"]]
    assert again["lock_version"] == run["lock_version"] > 1
    assert again["variables"]["registration_number"] == f"SIM-{run['id']:06d}"
    assert kinds(again, "task_completed")[0]["element_id"] == "Task_ConfirmRecord"


def test_runs_are_never_cases(login: Any, rt: Runtime) -> None:
    analyst, admin = login("analyst"), login("admin")
    run = start(analyst)
    run = analyst.post(f"/simulations/{run['id']}/clock", json={"next_weekday": "monday", "time": "09:00"}, expect=200)
    assert run["status"] == "running" and run["tasks"]
    failed = answer_first(analyst, analyst.post("/simulations", json={"xml": FAILING}, expect=201))
    assert failed["status"] == "error"
    for api in (analyst, admin, login("agent")):
        assert api.get("/tasks?scope=all", expect=200) == []
        listed = api.get("/process-instances?counts=status", expect=200)
        assert listed["items"] == [] and listed["total"] == 0
        assert all(c["total"] == 0 for c in listed["status_counts"].values())
        csv = api.client.get("/api/v1/process-instances.csv", headers=api.headers).get_data(as_text=True)
        assert len(csv.strip().splitlines()) == 1  # the header only
    stats = admin.get(f"/process-definitions/{COMPLAINT}/versions/{run['version']}/statistics", expect=200)
    assert sum(stats["instances"].values()) == 0 and stats["elements"] == {}
    with rt.sessions() as s:
        board = dashboard.admin_dashboard(s, [COMPLAINT], utcnow())
        assert board.incidents.n == 0 and board.overdue.n == 0 and board.running[COMPLAINT].n == 0
        assert s.scalar(select(func.count()).select_from(TimerRecord)) == 0  # the scheduler has nothing to fire
        assert s.scalar(select(func.count()).select_from(Incident)) == 0
        assert s.scalar(select(func.count()).select_from(SimulationRun)) == 2


def test_the_server_clock_never_moves_with_a_run(login: Any) -> None:
    admin, analyst = login("admin"), login("analyst")
    run = start(analyst, start_at=None)
    server_before = datetime.fromisoformat(admin.get("/admin/clock", expect=200)["now"])
    run = analyst.post(f"/simulations/{run['id']}/clock", json={"advance_seconds": 30 * 86400}, expect=200)
    server_after = datetime.fromisoformat(admin.get("/admin/clock", expect=200)["now"])
    assert (server_after - server_before).total_seconds() < 600  # real time only, not 30 days
    assert datetime.fromisoformat(run["virtual_now"]) - server_after > timedelta(days=29)


def test_two_runs_keep_their_own_clocks(login: Any) -> None:
    api = login("analyst")
    first = start(api)
    second = start(api, start_at="2026-12-01T10:00:00+08:00")
    first = api.post(f"/simulations/{first['id']}/clock", json={"to": "2026-12-07T09:00:00+08:00"}, expect=200)
    second = api.get(f"/simulations/{second['id']}", expect=200)
    assert first["virtual_now"] == "2026-12-07T09:00:00+08:00"
    assert second["virtual_now"] == "2026-12-01T10:00:00+08:00"
    # Saturday: not contacted in 12 h, it became a secondary complaint whose first-reply limits passed too
    assert [(e["element_id"], e["at"]) for e in kinds(first, "timer_fired")] == [
        ("Timer_ContactReminder", "2026-12-05T00:00:00+08:00"),
        ("Timer_ContactBreach", "2026-12-05T03:00:00+08:00"),
        ("Timer_FirstReplyReminder", "2026-12-05T09:00:00+08:00"),
        ("Timer_FirstReplyBreach", "2026-12-05T15:00:00+08:00"),
    ]
    assert kinds(second, "timer_fired") == []
    # the second run's timers were computed from its own start, not the first's clock
    assert {t["due"] for t in second["timers"]} == {"2026-12-01T19:00:00+08:00", "2026-12-01T22:00:00+08:00"}


def test_my_runs_are_listed_newest_first(login: Any) -> None:
    analyst = login("analyst")
    first, second = start(analyst), start(analyst)
    start(login("admin"))
    listed = analyst.get("/simulations", expect=200)["items"]
    assert [r["id"] for r in listed] == [second["id"], first["id"]]
    assert "log" not in listed[0] and listed[0]["status"] == "running"


def test_another_analysts_run_is_not_found_and_other_roles_are_refused(login: Any, app: Any, rt: Runtime) -> None:
    run = start(login("analyst"))
    with rt.sessions() as s:  # as if another analyst had started it
        row = s.get(SimulationRun, run["id"])
        assert row is not None
        row.owner = "someone_else"
        s.commit()
    analyst = login("analyst")
    assert analyst.get(f"/simulations/{run['id']}", expect=404)["error"]["code"] == "unknown_simulation"
    analyst.post(f"/simulations/{run['id']}/clock", json={"advance_seconds": 60}, expect=404)
    analyst.call("DELETE", f"/simulations/{run['id']}", expect=404)
    assert login("admin").get(f"/simulations/{run['id']}", expect=200)["owner"] == "someone_else"
    assert login("agent").get(f"/simulations/{run['id']}", expect=403)["error"]["code"] == "role_required"
    login("manager").post("/simulations", json={"process_key": COMPLAINT}, expect=403)
    login(None).get("/simulations", expect=401)


def test_a_stale_lock_version_is_refused_and_nothing_changes(login: Any) -> None:
    api = login("analyst")
    run = start(api)
    stale = run["lock_version"]
    moved = api.post(
        f"/simulations/{run['id']}/clock", json={"advance_seconds": 3600, "lock_version": stale}, expect=200
    )
    refused = api.post(
        f"/simulations/{run['id']}/clock", json={"advance_seconds": 3600, "lock_version": stale}, expect=409
    )
    assert refused["error"]["code"] == "simulation_changed"
    task = moved["tasks"][0]
    api.post(
        f"/simulations/{run['id']}/tasks/{task['id']}/complete",
        json={"data": task["sample"], "lock_version": stale},
        expect=409,
    )
    api.call("DELETE", f"/simulations/{run['id']}", json={"lock_version": stale}, expect=409)
    after = api.get(f"/simulations/{run['id']}", expect=200)
    assert after["virtual_now"] == moved["virtual_now"] and after["lock_version"] == moved["lock_version"]


def test_answers_are_checked_against_the_form(login: Any) -> None:
    api = login("analyst")
    run = start(api)
    task = run["tasks"][0]
    url = f"/simulations/{run['id']}/tasks/{task['id']}/complete"
    bad = api.post(url, json={"data": {"acceptance_decision": "maybe"}}, expect=422)
    fields = {d["field"] for d in bad["error"]["details"]}
    assert {"acceptance_decision", "record_confirmed"} <= fields
    api.post(url, json={"data": "yes"}, expect=422)
    api.post(f"/simulations/{run['id']}/tasks/not-a-task/complete", json={"data": {}}, expect=404)
    assert api.get(f"/simulations/{run['id']}", expect=200)["tasks"][0]["id"] == task["id"]


def test_the_start_record_is_checked_like_an_intake(login: Any) -> None:
    api = login("analyst")
    bad = api.post("/simulations", json={"process_key": COMPLAINT, "variables": {"channel": "pigeon"}}, expect=422)
    assert "channel" in {d["field"] for d in bad["error"]["details"]}
    assert api.post("/simulations", json={}, expect=422)["error"]["details"][0]["field"] == "process_key"
    api.post("/simulations", json={"process_key": "no_such_process"}, expect=404)
    api.post("/simulations", json={"process_key": COMPLAINT, "version": 99}, expect=404)
    api.post("/simulations", json={"process_key": COMPLAINT, "version": "1"}, expect=422)
    api.post("/simulations", json={"process_key": COMPLAINT, "start_at": "Friday"}, expect=422)
    api.post("/simulations", json={"xml": "<not bpmn"}, expect=422)


def test_clock_moves_are_checked(login: Any) -> None:
    api = login("analyst")
    run = start(api)
    url = f"/simulations/{run['id']}/clock"
    assert api.post(url, json={}, expect=400)["error"]["code"] == "bad_clock_request"
    api.post(url, json={"advance_seconds": 60, "working_hours": 1}, expect=400)
    assert api.post(url, json={"advance_seconds": -5}, expect=422)["error"]["details"][0]["field"] == "advance_seconds"
    api.post(url, json={"working_hours": "many"}, expect=422)
    api.post(url, json={"advance_seconds": 10**12}, expect=422)
    assert api.post(url, json={"to": "2026-12-01T00:00:00+08:00"}, expect=409)["error"]["code"] == "clock_backwards"
    api.post(url, json={"to": "2026-12-08T00:00:00"}, expect=422)  # no offset
    assert api.post(url, json={"next_weekday": "someday"}, expect=422)["error"]["details"][0]["field"] == "next_weekday"
    api.post(url, json={"next_weekday": "monday", "time": "9 o'clock"}, expect=422)
    assert api.get(f"/simulations/{run['id']}", expect=200)["virtual_now"] == FRIDAY_AFTERNOON


def test_a_diagram_not_deployed_runs_and_a_failing_script_is_the_runs_incident(login: Any) -> None:
    api = login("analyst")
    xml = two_step(key="sim_two_step").decode()
    run = api.post("/simulations", json={"xml": xml}, expect=201)
    assert run["process_key"] == "sim_two_step" and run["version"] is None and run["draft_id"] is None
    assert api.client.get(f"/api/v1/simulations/{run['id']}/xml", headers=api.headers).get_data(as_text=True) == xml
    while run["tasks"]:
        run = answer_first(api, run)
    assert run["status"] == "completed" and kinds(run, "completed")

    run = answer_first(api, api.post("/simulations", json={"xml": FAILING}, expect=201))
    assert run["status"] == "error" and run["tasks"] == []
    assert run["incident"]["element_id"] == "script" and "ZeroDivisionError" in run["incident"]["message"]
    assert kinds(run, "incident")[0]["element_id"] == "script"
    assert run["elements"]["script"]["state"] == "failed"
    refused = api.post(f"/simulations/{run['id']}/clock", json={"advance_seconds": 60}, expect=409)
    assert refused["error"]["code"] == "simulation_not_running"


def test_deleting_a_run(login: Any, rt: Runtime) -> None:
    api = login("analyst")
    run = start(api)
    api.call("DELETE", f"/simulations/{run['id']}", expect=204)
    api.get(f"/simulations/{run['id']}", expect=404)
    with rt.sessions() as s:
        assert s.get(SimulationRun, run["id"]) is None


def test_the_log_is_bounded(login: Any, rt: Runtime) -> None:
    api = login("analyst")
    run = start(api)
    for _ in range(LOG_LIMIT):  # each move logs one event
        run = api.post(f"/simulations/{run['id']}/clock", json={"advance_seconds": 60}, expect=200)
    assert len(run["log"]) == LOG_LIMIT
    assert run["log"][-1]["kind"] == "clock_moved" and run["log"][0]["kind"] != "started"


def test_the_openapi_document_lists_the_simulation_endpoints(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/simulations"]) == {"get", "post"}
    assert set(paths["/simulations/{id}"]) == {"get", "delete"}
    assert "409" in paths["/simulations/{id}/clock"]["post"]["responses"]
    assert "422" in paths["/simulations/{id}/tasks/{task_id}/complete"]["post"]["responses"]
    assert "/simulations/{id}/xml" in paths


def test_a_failing_handler_is_the_runs_incident_and_notify_is_only_logged(login: Any, rt: Runtime) -> None:
    api = login("analyst")
    # every parameter it needs (a run is refused like a deploy otherwise), received_at not a date: fails at run time
    call = {"received_at": "'not a date'", "severity_grade": "'general'", "handling_hours": "24"}
    broken = with_service("sim_bad_handler", "sla_deadlines", call).decode()
    run = api.post("/simulations", json={"xml": broken}, expect=201)
    assert run["status"] == "error" and run["incident"]["element_id"] == "svc"
    assert "sla_deadlines" in run["incident"]["message"]

    before = counts(rt)
    notifying = with_service(
        "sim_notify", "notify", {"groups": "'quality'", "kind": "'reminder'", "title": "'Check the batch'"}
    ).decode()
    run = api.post("/simulations", json={"xml": notifying}, expect=201)
    assert run["status"] == "running" and [t["element_id"] for t in run["tasks"]] == ["after"]
    [note] = kinds(run, "would_notify")
    assert note["element_id"] == "svc" and note["params"]["groups"] == ["quality"]
    assert note["message"] == "would notify group quality (reminder): Check the batch"
    assert counts(rt) == before  # no notification row, no e-mail queued


def test_a_cycle_timer_fires_at_each_occurrence_and_a_timer_after_the_target_waits(login: Any) -> None:
    api = login("analyst")
    run = api.post(
        "/simulations", json={"xml": cycle("sim_cycle", '"R3/PT1H"').decode(), "start_at": FRIDAY_AFTERNOON}, expect=201
    )
    run = api.post(f"/simulations/{run['id']}/clock", json={"advance_seconds": 5 * 3600}, expect=200)
    assert [e["at"] for e in kinds(run, "timer_fired")] == [
        "2026-12-04T16:00:00+08:00",
        "2026-12-04T17:00:00+08:00",
        "2026-12-04T18:00:00+08:00",
    ]
    waiting = intermediate("sim_wait", '"PT2H"').decode()
    run = api.post("/simulations", json={"xml": waiting, "start_at": FRIDAY_AFTERNOON}, expect=201)
    run = api.post(f"/simulations/{run['id']}/clock", json={"advance_seconds": 3600}, expect=200)
    assert kinds(run, "timer_fired") == [] and run["timers"][0]["due"] == "2026-12-04T17:00:00+08:00"
    run = api.post(f"/simulations/{run['id']}/clock", json={"to": "2026-12-04T17:00:00+08:00"}, expect=200)
    assert [e["at"] for e in kinds(run, "timer_fired")] == ["2026-12-04T17:00:00+08:00"]  # due at the target: fired
    assert [t["element_id"] for t in run["tasks"]] == ["after"]


def test_a_run_stops_at_the_time_of_its_incident(login: Any) -> None:
    xml = (
        f'{HEAD}<bpmn:process id="sim_wait_then_fail" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>'
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"'
        "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="boom"/>'
        '<bpmn:scriptTask id="boom"><bpmn:script>x = 1 / 0</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f3" sourceRef="boom" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    )
    api = login("analyst")
    run = api.post("/simulations", json={"xml": xml, "start_at": FRIDAY_AFTERNOON}, expect=201)
    run = api.post(f"/simulations/{run['id']}/clock", json={"advance_seconds": 86400}, expect=200)
    assert run["status"] == "error" and run["incident"]["element_id"] == "boom"
    assert run["virtual_now"] == "2026-12-04T16:00:00+08:00"
    assert [e["element_id"] for e in kinds(run, "timer_fired")] == ["wait"]


def test_diagram_code_reads_the_runs_clock(login: Any) -> None:
    api = login("analyst")
    xml = two_step(key="sim_now", script="result = now_iso()\ndue = working_hours(4)").decode()
    run = answer_first(api, api.post("/simulations", json={"xml": xml, "start_at": FRIDAY_AFTERNOON}, expect=201))
    assert run["variables"]["result"].startswith("2026-12-04T07:00:00")  # 15:00 China time, in UTC
    assert run["variables"]["due"] == "2026-12-07T10:00:00+08:00"  # 3 working hours on Friday, 1 on Monday

"""Issue 10: the rows behind the inbox and visibility stay small, the case page's reads of one
instance are one index range each, and the planner has statistics from setup on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text

from app.clock import utcnow
from app.db import refresh_statistics
from app.models import InstanceGroup, TaskCandidateGroup, TaskRecord, TimerRecord
from app.services import instance_details
from tests import query_plans
from tests.diagrams import two_step
from tests.task_rows import Spec, instances, write


@pytest.fixture
def flow(login):
    login("analyst").deploy(two_step("flow"))
    return "flow"


def _rows(rt, instance_id: int) -> tuple[set[tuple[str, str]], set[str]]:
    """(task element, group) of the candidate-group rows, and the instance's groups."""
    with rt.sessions() as s:
        open_rows = s.execute(
            select(TaskRecord.element_id, TaskCandidateGroup.group_key)
            .join(TaskCandidateGroup, TaskCandidateGroup.task_id == TaskRecord.id)
            .where(TaskRecord.instance_id == instance_id)
        ).tuples()
        groups = s.scalars(select(InstanceGroup.group_key).where(InstanceGroup.instance_id == instance_id))
        return set(open_rows), set(groups)


def test_candidate_group_rows_exist_only_while_the_task_is_open(rt, login, flow):
    agent, quality, logistics = login("agent"), login("quality"), login("logistics")
    inst = agent.post("/process-instances", json={"process_key": "flow", "variables": {}}, expect=201)
    assert _rows(rt, inst["id"]) == ({("first", "cs_agents")}, {"cs_agents"})
    [first] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{first['id']}/complete", json={"data": {"note": "ok"}}, expect=200)
    assert _rows(rt, inst["id"]) == ({("second", "quality")}, {"cs_agents", "quality"})
    [second] = quality.get(f"/tasks?instance_id={inst['id']}", expect=200)
    quality.post(f"/tasks/{second['id']}/complete", json={"data": {}}, expect=200)
    assert _rows(rt, inst["id"]) == (set(), {"cs_agents", "quality"})
    # the group that had a task keeps seeing the case; a group that never had one does not
    assert quality.get(f"/process-instances/{inst['id']}", expect=200)["status"] == "completed"
    assert logistics.get(f"/process-instances/{inst['id']}", expect=403)["error"]["code"] == "not_your_instance"
    listed = quality.get("/process-instances?process_key=flow", expect=200)
    assert [i["id"] for i in listed["items"]] == [inst["id"]]
    assert logistics.get("/process-instances?process_key=flow", expect=200)["items"] == []


def test_a_terminated_instance_leaves_no_candidate_group_rows(rt, login, flow):
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": "flow", "variables": {}}, expect=201)
    login("admin").post(f"/process-instances/{inst['id']}/terminate", json={"reason": "test"}, expect=200)
    assert _rows(rt, inst["id"]) == (set(), {"cs_agents"})
    with rt.sessions() as s:
        assert s.scalar(select(TaskRecord.state).where(TaskRecord.instance_id == inst["id"])) == "cancelled"


def _plan(rt, stmt) -> str:
    return query_plans.plan(rt, stmt, sqlite_statistics=False)


def test_the_case_page_reads_one_instance_range_not_the_global_timer_index(rt):
    """5,000 timers and 5,000 tasks over 500 instances: the case page's timers and open tasks of
    one instance come from one range of the per-instance indexes (never a walk of
    ix_timer_status_due over every pending timer); SQLite reads them in order from the index
    (no sort), PostgreSQL may sort the instance's handful of rows."""
    ids = instances(rt, 500)
    write(rt, ids, [Spec(["quality"], state="ready" if i % 4 else "completed", instance=i) for i in range(5000)])
    now = utcnow()
    rows = [
        {
            "instance_id": ids[i % 500],
            "task_id": f"t{i}",
            "element_id": "reminder",
            "name": "Reminder",
            "due_at": now + timedelta(minutes=i),
            "interrupting": False,
            "status": "pending" if i % 3 else "fired",
            "created_at": now,
        }
        for i in range(5000)
    ]
    with rt.sessions() as s:
        s.execute(insert(TimerRecord), rows)
        s.commit()
    timers_plan = _plan(rt, instance_details.pending_timers(ids[7]))
    tasks_plan = _plan(rt, instance_details.open_tasks(ids[7]))
    print(timers_plan, tasks_plan, sep="\n")
    assert "ix_timer_instance_status_due" in timers_plan and "ix_timer_status_due" not in timers_plan
    assert "ix_task_instance_state_created" in tasks_plan
    for plan in (timers_plan, tasks_plan):
        assert "Seq Scan" not in plan and "TEMP B-TREE" not in plan
        assert not {"SCAN timers", "SCAN tasks"} & {line.strip() for line in plan.splitlines()}
    assert f"(instance_id = {ids[7]}) AND ((status)::text = 'pending'::text)" in timers_plan or (
        "ix_timer_instance_status_due (instance_id=? AND status=?)" in timers_plan
    )
    with rt.sessions() as s:
        due = list(s.scalars(instance_details.pending_timers(ids[7])))
    assert [t.due_at for t in due] == sorted(t.due_at for t in due) and len(due) == 7


def test_the_planner_has_statistics_from_setup_on(rt):
    """Setup ran ANALYZE (the session fixture ran setup); the scheduler's periodic refresh
    runs on either database without error."""
    with rt.db.connect() as conn:
        if conn.dialect.name == "sqlite":
            analysed = conn.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar_one()
        else:
            analysed = conn.execute(
                text("SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
            ).scalar_one()
    assert analysed > 0
    refresh_statistics(rt.db, full=False)
    refresh_statistics(rt.db, full=True)


def test_the_scheduler_refreshes_statistics_periodically(app):
    scheduler = app.extensions["scheduler"]
    job = scheduler.get_job("planner_statistics")
    assert job is not None and job.trigger.interval == timedelta(hours=6)


def test_a_users_visible_instances_come_newest_first_path_by_path(rt):
    """``visible_ids`` (the non-admin instance list) gives exactly the newest visible instances,
    page by page, whichever path makes them visible; each path is an ordered index walk with a
    limit (no scan of a whole table, no hash of every visible id)."""
    from app.models import ProcessInstance, User
    from app.services.visibility import visible_ids, visible_to

    ids = instances(rt, 400, started_by="agent")
    with rt.sessions() as s:  # a few registered by quality itself
        s.execute(
            ProcessInstance.__table__.update().where(ProcessInstance.id.in_(ids[5::37])).values(started_by="quality")
        )
        s.commit()
    specs = []
    for i in range(3000):
        group = ["quality", "sales", "logistics"][i % 3]
        ready = i % 4 == 0
        specs.append(
            Spec(
                [group],
                assignee="quality" if i % 53 == 0 else None,
                state="ready" if ready else "completed",
                completed_by=None if ready or i % 11 else "quality",
                instance=(i * 7) % 400 if group != "quality" else (i * 7) % 131,
            )
        )
    write(rt, ids, specs)
    with rt.sessions() as s:
        quality = s.scalars(select(User).where(User.username == "quality")).one()
        reference = list(
            s.scalars(select(ProcessInstance.id).where(visible_to(quality)).order_by(ProcessInstance.id.desc()))
        )
        assert 0 < len(reference) < 400
        pages, before = [], None
        while True:
            stmt = visible_ids(quality, [], before=before, limit=25)
            assert stmt is not None
            page = list(s.scalars(stmt))
            pages.extend(page)
            if len(page) < 25:
                break
            before = page[-1]
        assert pages == reference
        running = [ProcessInstance.status == "running"]
        assert list(s.scalars(visible_ids(quality, running, limit=10))) == reference[:10]
        admin = s.scalars(select(User).where(User.username == "admin")).one()
        assert visible_ids(admin, [], limit=10) is None
    # the statistics the scheduler keeps current (setup analysed a nearly empty database)
    from app.db import refresh_statistics

    refresh_statistics(rt.db, full=False)
    plan = _plan(rt, visible_ids(quality, running, limit=50))
    print(plan)
    assert "Seq Scan on tasks" not in plan and "Seq Scan on instance_groups" not in plan
    assert "SCAN tasks" not in plan.splitlines() and "SCAN instance_groups" not in plan.splitlines()
    for index in ("ix_task_assignee_instance", "ix_task_completed_by_instance", "ix_instance_group_key"):
        assert index in plan, index


def test_a_claim_moves_the_task_out_of_the_groups_inbox_at_once(rt, login, flow):
    """The groups' inboxes read the group rows alone, so they follow every claim and give-back."""
    agent, agent2 = login("agent"), login("agent2")
    inst = agent.post("/process-instances", json={"process_key": "flow", "variables": {}}, expect=201)
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)

    def group_rows() -> set[tuple[str, str | None]]:
        with rt.sessions() as s:
            stmt = select(TaskCandidateGroup.group_key, TaskCandidateGroup.assignee)
            return set(s.execute(stmt.where(TaskCandidateGroup.task_id == task["id"])).tuples())

    def in_inbox(api) -> bool:
        return task["id"] in {t["id"] for t in api.get("/tasks?limit=500", expect=200)}

    assert in_inbox(agent2) and group_rows() == {("cs_agents", None)}
    agent.post(f"/tasks/{task['id']}/claim", expect=200)
    assert not in_inbox(agent2) and in_inbox(agent) and group_rows() == {("cs_agents", "agent")}
    assert task["id"] in {t["id"] for t in agent2.get("/tasks?scope=all&limit=500", expect=200)}
    agent.post(f"/tasks/{task['id']}/unclaim", expect=200)
    assert in_inbox(agent2) and group_rows() == {("cs_agents", None)}


def test_a_handlers_instance_count_stops_at_the_handler_cap(rt, login, monkeypatch):
    """A handler's count walks each way in up to its cap, which is lower than an admin's."""
    from app.services import instance_lists

    monkeypatch.setattr(instance_lists, "HANDLER_COUNT_CAP", 3)
    mine = instances(rt, 8, started_by="quality")
    page = login("quality").get("/process-instances?per_page=2", expect=200)
    assert (page["total"], page["total_is_exact"]) == (3, False)
    assert [i["id"] for i in page["items"]] == sorted(mine, reverse=True)[:2]
    err = login("quality").get("/process-instances?per_page=2&page=2", expect=400)
    assert err["error"]["details"][0]["field"] == "page"
    everything = login("admin").get("/process-instances?per_page=2", expect=200)
    assert (everything["total"], everything["total_is_exact"]) == (8, True)

def test_health_reports_database_and_scheduler(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok", "database": "ok", "scheduler": "ok", "incidents": 0}


def test_token_for_demo_user(login):
    api = login("agent")
    me = api.get("/me", expect=200)
    assert me["username"] == "agent" and me["groups"] == ["cs_agents"]


def test_health_sees_a_scheduler_in_another_process_by_its_heartbeat(rt, client):
    from datetime import UTC, datetime, timedelta

    from app import scheduling
    from app.models import SchedulerHeartbeat

    scheduling.stop_scheduler()
    try:
        with rt.sessions() as s:
            s.query(SchedulerHeartbeat).delete()
            s.commit()
        r = client.get("/api/v1/health")
        assert r.status_code == 503 and r.get_json()["error"]["code"] == "scheduler_unavailable"
        with rt.sessions() as s:  # what `flask --app wsgi scheduler` in another process writes
            s.add(SchedulerHeartbeat(name="other-host:42", beat_at=datetime.now(UTC)))
            s.commit()
        assert client.get("/api/v1/health").get_json()["scheduler"] == "ok"
        with rt.sessions() as s:
            s.get(SchedulerHeartbeat, "other-host:42").beat_at = datetime.now(UTC) - timedelta(minutes=5)
            s.commit()
        assert client.get("/api/v1/health").status_code == 503
    finally:
        scheduling.start_scheduler(client.application)

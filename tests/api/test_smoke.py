def test_health_reports_database_and_scheduler(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok", "database": "ok", "scheduler": "ok"}


def test_token_for_demo_user(login):
    api = login("agent")
    me = api.get("/me", expect=200)
    assert me["username"] == "agent" and me["groups"] == ["cs_agents"]

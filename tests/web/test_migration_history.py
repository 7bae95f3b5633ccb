"""The case page names a migration in its history, in both languages."""

from __future__ import annotations

from tests.api.test_migrate import Process


def test_the_case_page_shows_the_migration_in_its_history(login, web_login):
    proc = Process(login)
    proc.one()
    inst = proc.start(login("agent"))
    v2 = proc.two()
    login("admin").post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2}, expect=200)
    assert "流程已迁移到另一版本" in web_login("admin").text(f"/instances/{inst['id']}")
    assert "Instance moved to another version" in web_login("admin", lang="en").text(f"/instances/{inst['id']}")

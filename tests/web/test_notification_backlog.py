"""Issue 10: the notification bell on every page counts a backlog of any size in bounded time."""

from __future__ import annotations

from sqlalchemy import insert

from app.clock import utcnow


def test_the_unread_count_stops_counting(rt, login, web_login):
    """A backlog of 1,005 unread notifications: the API says 999 and not exact, the bell 999+,
    the list the newest 100."""
    from app.models import Notification

    now = utcnow()
    rows = [
        {
            "username": "quality",
            "kind": "reminder",
            "title": f"n{i}",
            "message": "",
            "created_at": now,
            "email_status": "sent",
        }
        for i in range(1005)
    ]
    with rt.sessions() as s:
        s.execute(insert(Notification), rows)
        s.commit()
    listed = login("quality").get("/notifications", expect=200)
    assert (listed["unread"], listed["unread_is_exact"]) == (999, False)
    assert len(listed["items"]) == 100 and listed["items"][0]["title"] == "n1004"
    assert login("logistics").get("/notifications", expect=200)["unread_is_exact"] is True
    page = web_login("quality").text("/")
    assert '<span class="badge" id="unread-count">999+</span>' in page

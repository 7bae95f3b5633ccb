"""E-mail addresses are judged by a real parser (issue 6, item 14): markup is not an address."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import Invalid
from app.models import ProcessInstance
from app.runtime import Runtime
from app.services import people

BAD = [
    "<img src=x onerror=alert(1)>@x",
    '"><script>alert(1)</script>@example.com',
    "a@b",
    "two@@example.com",
    "name with space@example.com",
    "Wang <wang@example.com>",
    "wang@example.com\nBcc: all@example.com",
]
INTAKE = {
    "channel": "email",
    "complainant": {"name": "张三", "phone": "13800138000"},
    "description": "牛奶有异味",
}


def _count(rt: Runtime) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(ProcessInstance)) or 0


@pytest.mark.parametrize("address", BAD)
def test_api_refuses_a_malformed_complainant_email_naming_the_field(login, rt, address):
    before = _count(rt)
    variables = {**INTAKE, "complainant": {**INTAKE["complainant"], "email": address}}
    body = login("agent").post(
        "/process-instances", json={"process_key": "complaint_handling", "variables": variables}, expect=422
    )
    assert "complainant.email" in [d["field"] for d in body["error"]["details"]]
    assert _count(rt) == before


@pytest.mark.parametrize("address", ["li@example.com", "张三@例子.中国", "wang.fang+complaints@mail.qq.com"])
def test_api_accepts_real_addresses(login, address):
    variables = {**INTAKE, "complainant": {**INTAKE["complainant"], "email": address}}
    login("agent").post(
        "/process-instances", json={"process_key": "complaint_handling", "variables": variables}, expect=201
    )


def test_start_form_refuses_markup_as_email_and_says_which_field(browser, rt):
    before = _count(rt)
    agent = browser("agent")
    agent.get("/start/complaint_handling")
    r = agent.post_form(
        "/start/complaint_handling",
        {
            "channel": "email",
            "complainant.name": "张三",
            "complainant.phone": "13800138000",
            "complainant.email": "<img src=x onerror=alert(1)>@x",
            "description": "牛奶有异味",
        },
    )
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'data-field="complainant.email"' in page
    assert "<img src=x" not in page  # shown back escaped, never as markup
    assert _count(rt) == before


@pytest.mark.parametrize("address", [a for a in BAD if a != "a@b"])
def test_user_accounts_refuse_malformed_email(rt, address):
    with rt.sessions() as s, pytest.raises(Invalid) as caught:
        people.create_user(s, "t_bad_mail", "pw", email=address)
    assert caught.value.details == [{"field": "email", "message": "not a valid e-mail address"}]


def test_staff_email_may_use_an_internal_mail_domain(rt):
    with rt.sessions() as s:
        user = people.create_user(s, "t_internal_mail", "pw", email="wang@corp")
        assert user.email == "wang@corp"
        s.rollback()

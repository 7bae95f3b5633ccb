"""Contract: ``GET /api/v1/handlers`` (the modeler's handler picker) and ``GET /api/v1/groups``."""

from __future__ import annotations

import inspect
import secrets

import pytest
from sqlalchemy import delete, func, select

from app.engine.scripting import EFFECTS
from app.models import Group, User, user_groups
from app.services import people
from handlers import DECLARATIONS, REGISTRY


def test_every_registered_handler_declares_its_parameters():
    assert sorted(DECLARATIONS) == sorted(REGISTRY), "declare each handler next to it and collect it in handlers/"
    for name, declaration in DECLARATIONS.items():
        source = inspect.getsource(REGISTRY[name])
        assert declaration.zh and declaration.en and declaration.result, name
        for parameter in declaration.parameters:
            assert parameter.zh and parameter.en, (name, parameter.name)
            assert parameter.type in ("string", "number", "boolean", "object", "array", "any"), (name, parameter)
            # a declared parameter is one the handler reads (directly or through its helpers)
            assert f'"{parameter.name}"' in source or parameter.name in _flags(name), (name, parameter.name)


def _flags(name: str) -> set[str]:
    from handlers.severity import FLAG_LEVELS

    return set(FLAG_LEVELS) if name == "classify_severity" else set()


def _declared(name: str):
    from app.services.batch_rules import CHECK_BATCH, DECIDE_RECALL
    from app.services.crisis_links import START_CRISIS
    from app.services.fact_requests import REQUEST_FACTS
    from app.services.notifications import NOTIFY

    built_in = {
        "notify": NOTIFY,
        "start_crisis": START_CRISIS,
        "check_batch": CHECK_BATCH,
        "decide_recall": DECIDE_RECALL,
        "request_facts": REQUEST_FACTS,
    }
    return built_in.get(name) or DECLARATIONS[name]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_catalogue_lists_every_operation_with_its_parameters(login, rt, language):
    body = login("analyst").get(f"/handlers?lang={language}", expect=200)
    assert [h["name"] for h in body] == sorted({*rt.engine.handlers, *EFFECTS})
    for item in body:
        declared = _declared(item["name"])
        assert item["description"] == getattr(declared, language) and item["result"] == list(declared.result)
        assert item["parameters"] == [
            {"name": p.name, "required": p.required, "type": p.type, "description": getattr(p, language)}
            for p in declared.parameters
        ]
    notify = next(h for h in body if h["name"] == "notify")
    assert {p["name"] for p in notify["parameters"]} == {"groups", "users", "kind", "title", "message"}
    assert not any(p["required"] for p in notify["parameters"])


def test_a_handler_registered_without_a_declaration_is_listed_unchecked(login):
    REGISTRY["undeclared_probe"] = lambda params: {}
    try:
        body = login("analyst").get("/handlers", expect=200)
    finally:
        del REGISTRY["undeclared_probe"]
    probe = next(h for h in body if h["name"] == "undeclared_probe")
    assert probe["declared"] is False and probe["parameters"] == []


def test_groups_list_active_member_counts(login, rt):
    body = login("analyst").get("/groups?lang=en", expect=200)
    with rt.sessions() as s:
        expected = dict(
            s.execute(
                select(Group.key, func.count(User.id))
                .join(user_groups, user_groups.c.group_id == Group.id)
                .join(User, (User.id == user_groups.c.user_id) & User.active.is_(True))
                .group_by(Group.key)
            ).all()
        )
        labels = dict(s.execute(select(Group.key, Group.name_en)).all())
    assert [g["name"] for g in body] == sorted(labels)
    assert {g["name"]: g["members"] for g in body} == {k: expected.get(k, 0) for k in labels}
    assert {g["name"]: g["label"] for g in body} == labels
    assert any(g["members"] > 0 for g in body)


def test_an_inactive_member_is_not_counted(login, rt):
    before = {g["name"]: g["members"] for g in login("admin").get("/groups", expect=200)}
    names = {True: f"t_{secrets.token_hex(4)}", False: f"t_{secrets.token_hex(4)}"}
    with rt.sessions() as s:
        for active, username in names.items():
            people.create_user(s, username, username, groups=("quality",)).active = active
        s.commit()
    try:
        after = {g["name"]: g["members"] for g in login("admin").get("/groups", expect=200)}
        assert after["quality"] == before["quality"] + 1
    finally:
        with rt.sessions() as s:
            ids = list(s.scalars(select(User.id).where(User.username.in_(names.values()))))
            s.execute(delete(user_groups).where(user_groups.c.user_id.in_(ids)))
            s.execute(delete(User).where(User.id.in_(ids)))
            s.commit()


def test_only_analysts_and_admins_read_the_pickers(login):
    agent = login("agent")
    for path in ("/handlers", "/groups"):
        assert agent.get(path, expect=403)["error"]["code"] == "role_required"
        login(None).get(path, expect=401)


def test_rule_9_1_every_group_of_the_source_documents_exists_with_a_member(login):
    """domain.md §9: production, technical support and the supervision & evaluation group exist
    next to the others, named in both languages, each with a demo member."""
    zh = {g["name"]: g for g in login("analyst").get("/groups", expect=200)}
    en = {g["name"]: g["label"] for g in login("analyst").get("/groups?lang=en", expect=200)}
    for key, chinese, english in (
        ("production", "生产部", "Production"),
        ("tech_support", "技术支持中心", "Technical support centre"),
        ("supervision", "监督与评估小组", "Supervision and evaluation group"),
    ):
        assert zh[key]["label"] == chinese and en[key] == english and zh[key]["members"] >= 1
    named = {"cs_agents", "cs_supervisors", "managers", "quality", "sales", "aftersales", "logistics"}
    named |= {"marketing_director", "general_manager", "pr_legal", "hr"}
    assert named <= set(zh)

"""Users, groups, password checks, API tokens and the demo directory."""

from __future__ import annotations

from collections.abc import Iterable

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid, NotAuthenticated
from app.models import Group, User
from app.services import audit
from app.services.email_address import check_staff_email
from app.services.passwords import encodable, hash_password, verify_password

GROUPS: dict[str, tuple[str, str]] = {
    "cs_agents": ("Customer-service agents", "客服专员"),
    "cs_supervisors": ("Customer-service supervisors", "客服主管"),
    "quality": ("Quality department", "质量管理部"),
    "sales": ("Sales department", "销售部"),
    "aftersales": ("After-sales department", "售后服务部"),
    "logistics": ("Logistics", "物流部"),
    "managers": ("Regional / store managers", "区域经理/店长"),
    "marketing_director": ("Marketing director", "营销总监"),
    "general_manager": ("General manager", "总经理"),
    "pr_legal": ("PR, media and legal", "公共事务部/媒介中心/法务部"),
    "hr": ("HR", "人力资源部"),
    "production": ("Production", "生产部"),
    "tech_support": ("Technical support centre", "技术支持中心"),
    "supervision": ("Supervision and evaluation group", "监督与评估小组"),
    "appeals_office": ("Appeals office", "申诉受理办公室"),
    "appeal_investigators": ("Appeal investigators", "申诉调查组"),
    "cs_head": ("Head of customer service", "客服部负责人"),
    # rule 3.5: each severity level names its manager (E city, D provincial, C/B regional)
    "city_managers": ("City managers", "城市经理"),
    "provincial_managers": ("Provincial managers", "省经理"),
    "regional_managers": ("Regional managers", "大区经理"),
    "vice_president": ("Vice president", "副总裁"),
    # rule 2.4: told when a department has not acknowledged a hand-over within 30 minutes
    "department_heads": ("Department heads", "部门经理"),
}

# username -> (display name, groups, roles)
DEMO_USERS: dict[str, tuple[str, list[str], list[str]]] = {
    "agent": ("王客服 Wang (agent)", ["cs_agents"], ["handler"]),
    "agent2": ("李客服 Li (agent)", ["cs_agents"], ["handler"]),
    "supervisor": ("张主管 Zhang (supervisor)", ["cs_supervisors"], ["handler"]),
    "quality": ("赵品质 Zhao (quality)", ["quality"], ["handler"]),
    "sales": ("钱销售 Qian (sales)", ["sales"], ["handler"]),
    "aftersales": ("孙售后 Sun (after-sales)", ["aftersales"], ["handler"]),
    "logistics": ("周物流 Zhou (logistics)", ["logistics"], ["handler"]),
    "manager": ("吴经理 Wu (regional manager)", ["managers", "regional_managers"], ["handler"]),
    "director": ("郑总监 Zheng (marketing director)", ["marketing_director"], ["handler"]),
    "gm": ("冯总 Feng (general manager)", ["general_manager"], ["handler"]),
    "pr": ("陈公关 Chen (PR/legal)", ["pr_legal"], ["handler"]),
    "hr": ("褚人事 Chu (HR)", ["hr"], ["handler"]),
    "production": ("刘生产 Liu (production)", ["production"], ["handler"]),
    "techsupport": ("杨技术 Yang (technical support)", ["tech_support"], ["handler"]),
    "supervision": ("秦监督 Qin (supervision & evaluation)", ["supervision"], ["handler"]),
    "appeals": ("何申诉 He (appeals office)", ["appeals_office"], ["handler"]),
    "investigator": ("吕调查 Lü (appeal investigator)", ["appeal_investigators"], ["handler"]),
    "analyst": ("卫分析 Wei (process analyst)", [], ["analyst"]),
    "admin": ("蒋管理 Jiang (administrator)", [], ["admin"]),
    "cshead": ("施部长 Shi (head of customer service)", ["cs_head"], ["handler"]),
    "citymgr": ("沈经理 Shen (city manager)", ["city_managers"], ["handler"]),
    "provmgr": ("韩经理 Han (provincial manager)", ["provincial_managers"], ["handler"]),
    "vp": ("曹副总 Cao (vice president)", ["vice_president"], ["handler"]),
    "depthead": ("朱经理 Zhu (department head)", ["department_heads"], ["handler"]),
}


def ensure_groups(session: Session) -> dict[str, Group]:
    """Create the product's groups if missing; return them by key."""
    existing = {g.key: g for g in session.scalars(select(Group))}
    for key, (en, zh) in GROUPS.items():
        if key not in existing:
            existing[key] = Group(key=key, name_en=en, name_zh=zh)
            session.add(existing[key])
    session.flush()
    return existing


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    display_name: str | None = None,
    groups: Iterable[str] = (),
    roles: Iterable[str] = ("handler",),
    email: str | None = None,
) -> User:
    """Create a user; unknown group keys are created on the fly with the key as name.

    A malformed ``email`` is refused with ``Invalid`` naming the field."""
    email = check_staff_email(email)
    known = ensure_groups(session)
    member_of = []
    for key in groups:
        if key not in known:
            known[key] = Group(key=key, name_en=key, name_zh=key)
            session.add(known[key])
        member_of.append(known[key])
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        email=email,
        roles=list(roles),
        groups=member_of,
    )
    session.add(user)
    session.flush()
    return user


def seed_demo_users(session: Session) -> int:
    """Create the contract's demo users (password = username); returns how many were new."""
    ensure_groups(session)
    have = set(session.scalars(select(User.username)))
    created = 0
    for username, (name, groups, roles) in DEMO_USERS.items():
        if username not in have:
            user = create_user(session, username, username, display_name=name, groups=groups, roles=roles)
            # the reserved .invalid domain on purpose: demo mail must never reach a real mailbox
            user.email = f"{username}@demo.invalid"
            created += 1
    return created


class TokenSigner:
    """Signed, expiring bearer tokens carrying the user id and the user's session version."""

    def __init__(self, secret: str, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="api-token")
        self._max_age = max_age

    def issue(self, user: User) -> str:
        return self._serializer.dumps({"uid": user.id, "sv": user.session_version})

    def claims(self, token: str) -> tuple[int, int]:
        """``(user id, session version)`` of a token this product signed and that has not expired."""
        try:
            data = self._serializer.loads(token, max_age=self._max_age)
        except SignatureExpired:
            raise NotAuthenticated("the token has expired", code="token_expired") from None
        except BadSignature:
            raise NotAuthenticated("the token is not valid", code="bad_token") from None
        if not isinstance(data, dict) or not isinstance(data.get("uid"), int) or not isinstance(data.get("sv"), int):
            raise NotAuthenticated("the token is not valid; get a new one", code="bad_token")
        return data["uid"], data["sv"]


def revoke_sessions(session: Session, user: User, *, actor: str, reason: str) -> None:
    """End every browser session and invalidate every API token of ``user`` (logout everywhere)."""
    user.session_version += 1
    audit.record(
        session, "sessions_revoked", instance_id=None, actor=actor, detail={"user": user.username, "reason": reason}
    )
    session.flush()


def change_password(session: Session, user: User, current: str, new: str, *, min_length: int) -> None:
    """The user's own change: the current password is checked; every other session ends."""
    if not verify_password(user.password_hash, current):
        raise Invalid(
            "the current password is wrong",
            code="wrong_password",
            details=[{"field": "current_password", "message": "wrong password"}],
        )
    set_password(session, user, new, actor=user.username, min_length=min_length)


def set_password(session: Session, user: User, new: str, *, actor: str, min_length: int) -> None:
    """Set a new password (an admin, or the user); all sessions and tokens of the user are revoked."""
    if len(new) < min_length or new == user.username or not encodable(new):
        raise Invalid(
            f"the new password needs at least {min_length} characters and may not be the user name",
            code="weak_password",
            details=[{"field": "new_password", "message": f"at least {min_length} characters, not the user name"}],
        )
    user.password_hash = hash_password(new)
    revoke_sessions(session, user, actor=actor, reason="password_changed")


def deactivate(session: Session, user: User, *, actor: str) -> None:
    """The user can no longer log in, and every session and token it had stops working."""
    user.active = False
    revoke_sessions(session, user, actor=actor, reason="deactivated")


def user_view(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "groups": user.group_keys,
        "roles": list(user.roles or []),
    }

"""``flask users ...``: an administrator revokes sessions, resets a password or deactivates a user."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.errors import Invalid
from app.models import User
from app.runtime import Runtime
from app.services import people

users = AppGroup("users", help="Manage accounts: revoke sessions, set a password, deactivate.")


def _change(username: str, action: str, password: str | None = None) -> None:
    rt: Runtime = current_app.extensions["runtime"]
    with rt.sessions() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"no user named {username!r}")
        try:
            if action == "revoke":
                people.revoke_sessions(session, user, actor="cli", reason="revoked_by_admin")
            elif action == "deactivate":
                people.deactivate(session, user, actor="cli")
            else:
                assert password is not None
                people.set_password(session, user, password, actor="cli", min_length=rt.settings.password_min_length)
        except Invalid as err:
            raise click.ClickException(err.message) from None
        session.commit()


@users.command("revoke")
@click.argument("username")
def revoke(username: str) -> None:
    """End every browser session and API token of USERNAME."""
    _change(username, "revoke")
    click.echo(f"every session and token of {username} is revoked")


@users.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """USERNAME can no longer log in; its sessions and tokens stop working."""
    _change(username, "deactivate")
    click.echo(f"{username} is deactivated")


@users.command("set-password")
@click.argument("username")
@click.password_option()
def set_password(username: str, password: str) -> None:
    """Give USERNAME a new password (asked twice); its sessions and tokens are revoked."""
    _change(username, "set-password", password)
    click.echo(f"password of {username} changed; its sessions and tokens are revoked")

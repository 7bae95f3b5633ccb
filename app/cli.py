"""``flask`` commands: set up the database, deploy processes, seed demo data, run the scheduler."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app

from app.runtime import Runtime


def _rt() -> Runtime:
    rt: Runtime = current_app.extensions["runtime"]
    return rt


def migrate_database(rt: Runtime) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    from app.config import ROOT

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", rt.settings.database_url.replace("%", "%%"))
    command.upgrade(cfg, "head")


def setup_product(rt: Runtime, *, demo: bool) -> dict[str, int]:
    """Migrate, deploy ``processes/`` and (with demo data) seed the demo users. Idempotent."""
    from app.db import refresh_statistics
    from app.services import complaint_facts, complaint_rollups, people, publishing

    migrate_database(rt)
    with rt.sessions() as session:
        complaint_rollups.rebuild_if_empty(session)  # facts saved before migration 0028
        complaint_facts.backfill_missing(session)
        deployed = publishing.publish_folder(rt, session)
        users = people.seed_demo_users(session) if demo else 0
        if not demo:
            people.ensure_groups(session)
        session.commit()
    refresh_statistics(rt.db, full=True)
    return {"definitions_created": sum(d.created for d in deployed), "users_created": users}


def init_app(app: Flask) -> None:
    from app.cli_accounts import users

    app.cli.add_command(users)

    @app.cli.command("setup")
    @click.option("--demo/--no-demo", default=None, help="seed demo users (default: DEMO_DATA)")
    def setup(demo: bool | None) -> None:
        """Migrate the database, deploy processes/ and seed demo users."""
        rt = _rt()
        result = setup_product(rt, demo=rt.settings.demo_data if demo is None else demo)
        click.echo(
            f"database ready; {result['definitions_created']} new process versions; "
            f"{result['users_created']} demo users created"
        )
        if rt.settings.demo_data or demo:
            click.echo("WARNING: demo users have password = username. Never use demo data in production.")

    @app.cli.command("backfill-complaint-facts")
    def backfill_complaint_facts() -> None:
        """Write the report facts of complaint cases saved before they existed (``setup`` does it too)."""
        from app.services import complaint_facts

        with _rt().sessions() as session:
            written = complaint_facts.backfill_missing(session)
            session.commit()
        click.echo(f"{written} complaint facts rows written")

    @app.cli.command("rebuild-complaint-rollups")
    def rebuild_complaint_rollups() -> None:
        """Recompute the month rollups of the reports from the complaint facts."""
        from app.services import complaint_rollups

        with _rt().sessions() as session:
            written = complaint_rollups.rebuild(session)
            session.commit()
        click.echo(f"{written} complaint month rollup rows written")

    @app.cli.command("scheduler")
    def scheduler() -> None:
        """Run the scheduler as its own process (production)."""
        from app.scheduling import start_scheduler

        start_scheduler(app)
        click.echo("scheduler running; Ctrl-C to stop")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass

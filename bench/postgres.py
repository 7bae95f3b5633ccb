"""A PostgreSQL to measure on: ``BENCH_DATABASE_URL``, or a throw-away local server.

The local server is ``initdb`` + ``pg_ctl`` in a temporary directory (run as the
``postgres`` account when we are root), on a free port, with PostgreSQL's default
(durable) settings; it is stopped and removed at the end. Every mode gets a database of
its own, created for this run and dropped (or removed with the server) afterwards.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

PG_BIN = Path(os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))


class PostgresUnavailable(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Postgres:
    """``with Postgres.open() as pg: url = pg.new_database("bench_http")``."""

    def __init__(self, admin_url: str, tmp: Path | None = None, run_as: list[str] | None = None) -> None:
        self.admin_url = admin_url
        self.tmp = tmp
        self.run_as = run_as or []
        self.created: list[str] = []
        self.settings: dict[str, str] = {}

    # --- lifecycle -----------------------------------------------------------------------
    @classmethod
    def open(cls) -> Postgres:
        url = os.environ.get("BENCH_DATABASE_URL")
        pg = cls(url) if url else cls._start_local()
        try:
            pg._read_settings()
        except Exception as exc:
            pg.close()
            raise PostgresUnavailable(f"cannot connect: {exc}") from exc
        return pg

    @classmethod
    def _start_local(cls) -> Postgres:
        if not (PG_BIN / "initdb").is_file():
            raise PostgresUnavailable(f"no BENCH_DATABASE_URL and no initdb in {PG_BIN}")
        run_as: list[str] = []
        tmp = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        if os.geteuid() == 0:  # initdb refuses to run as root
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(tmp, ignore_errors=True)
                raise PostgresUnavailable("running as root and there is no postgres account") from None
            os.chown(tmp, account.pw_uid, account.pw_gid)
            run_as = ["runuser", "-u", "postgres", "--"]
        port = _free_port()
        pg = cls(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", tmp, run_as)
        data = tmp / "data"
        try:
            pg._run(
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            )
            options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1"
            pg._run(
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(tmp / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            pg.close()
            raise PostgresUnavailable(f"could not start a local server: {exc}") from exc
        return pg

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self.run_as, *cmd], check=True, capture_output=True, timeout=120)

    def close(self) -> None:
        if self.tmp is None:  # an external server: drop what we created
            if self.created:
                engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
                with engine.connect() as conn:
                    for name in self.created:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                engine.dispose()
            return
        data = self.tmp / "data"
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(OSError, subprocess.CalledProcessError):
                self._run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Postgres:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- databases -----------------------------------------------------------------------
    def _read_settings(self) -> None:
        engine = create_engine(self.admin_url)
        with engine.connect() as conn:
            for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers"):
                self.settings[name] = str(conn.execute(text(f"SHOW {name}")).scalar())
        engine.dispose()

    @property
    def where(self) -> str:
        if self.tmp is not None:
            return f"local throw-away server ({PG_BIN}), default settings"
        url = make_url(self.admin_url)
        return f"BENCH_DATABASE_URL ({url.host}:{url.port or 5432})"

    def new_database(self, label: str) -> str:
        name = f"bench_{label}_{secrets.token_hex(4)}"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.created.append(name)
        url = make_url(self.admin_url).set(database=name)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        """Drop a database of ``new_database`` now (a large one need not wait for the end)."""
        name = make_url(url).database
        if name not in self.created:
            return
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
        self.created.remove(name)

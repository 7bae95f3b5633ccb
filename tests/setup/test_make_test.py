"""`make test` on a fresh machine: it installs what the suite needs (as root), runs on SQLite or on
PostgreSQL (a throw-away server unless TEST_DATABASE_URL is set), and fails when no test ran;
`.ci/run` is lint plus both runs and fails with them.

The suite itself is replaced by a fake ``pytest`` (``make test PYTEST=...``) that reports what it
was given; ``id`` and ``apt-get`` are replaced the same way, so nothing is installed here.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "tests" / "setup"
FAKE_PYTEST = f"""#!{sys.executable}
import json, os, sys
import psycopg
url = os.environ.get("TEST_DATABASE_URL", "")
info = {{"url": url}}
if url.startswith("postgresql+psycopg://postgres@127.0.0.1:"):
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        info["data_directory"] = conn.execute("SHOW data_directory").fetchone()[0]
open(os.environ["FAKE_OUT"], "w").write(json.dumps(info))
sys.exit(int(os.environ["FAKE_EXIT"]))
"""


def script(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def clean_env(**extra: str) -> dict[str, str]:
    """Our environment without what an outer ``make test DB=...`` passes down to sub-makes."""
    drop = {"TEST_DATABASE_URL", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "DB"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


# --- tests/setup/ensure_system.sh ---------------------------------------------------------------
@pytest.fixture
def fake_system(tmp_path: Path) -> dict[str, Any]:
    """Chromium and initdb paths that do not exist yet, and ``id``/``apt-get`` stand-ins: apt-get
    logs its arguments and, on install, creates the two paths as the real packages would."""
    chromium, initdb = tmp_path / "usr/bin/chromium", tmp_path / "usr/lib/postgresql/15/bin/initdb"
    log = tmp_path / "apt-get.log"
    bin_dir = tmp_path / "fake-bin"
    script(bin_dir / "id", '#!/bin/sh\necho "$FAKE_UID"\n')
    script(
        bin_dir / "apt-get",
        f'#!/bin/sh\necho "apt-get $*" >> {log}\n'
        f'if [ "$1" = install ]; then mkdir -p {chromium.parent} {initdb.parent}; '
        f"touch {chromium} {initdb}; chmod +x {chromium} {initdb}; fi\n",
    )
    env = clean_env(
        PATH=f"{bin_dir}:{os.environ['PATH']}",
        CHROMIUM=str(chromium),
        PG_BIN_GLOB=str(tmp_path / "usr/lib/postgresql/*/bin"),
    )
    return {"env": env, "log": log, "chromium": chromium, "initdb": initdb}


def ensure(fake: dict[str, Any], uid: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SETUP / "ensure_system.sh")],
        env={**fake["env"], "FAKE_UID": str(uid)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def apt_calls(fake: dict[str, Any]) -> list[str]:
    log: Path = fake["log"]
    return log.read_text().splitlines() if log.exists() else []


def test_as_root_it_installs_what_is_missing_with_apt_get(fake_system: dict[str, Any]) -> None:
    done = ensure(fake_system, 0)
    assert done.returncode == 0, done.stderr
    assert apt_calls(fake_system) == [
        "apt-get update -q",
        "apt-get install -y -q --no-install-recommends chromium postgresql",
    ]
    assert ensure(fake_system, 0).returncode == 0
    assert len(apt_calls(fake_system)) == 2, "installed again although nothing was missing"


def test_as_root_it_installs_only_what_is_missing(fake_system: dict[str, Any]) -> None:
    script(fake_system["chromium"], "#!/bin/sh\n")
    assert ensure(fake_system, 0).returncode == 0
    assert apt_calls(fake_system)[-1] == "apt-get install -y -q --no-install-recommends postgresql"


def test_not_root_it_fails_naming_what_to_install(fake_system: dict[str, Any]) -> None:
    done = ensure(fake_system, 1000)
    assert done.returncode == 1
    assert "needs: chromium postgresql" in done.stderr
    assert "apt-get install -y --no-install-recommends chromium postgresql" in done.stderr
    assert apt_calls(fake_system) == []


def test_as_root_it_fails_when_apt_get_did_not_provide_the_binaries(fake_system: dict[str, Any]) -> None:
    script(Path(fake_system["env"]["PATH"].split(":")[0]) / "apt-get", "#!/bin/sh\n")  # installs nothing
    done = ensure(fake_system, 0)
    assert done.returncode == 1 and "did not provide: chromium postgresql" in done.stderr


# --- the Makefile's test target -------------------------------------------------------------------
def make_test(tmp_path: Path, *args: str, fake_exit: int = 0, **env: str) -> tuple[int, dict[str, Any]]:
    """``make test ARGS`` with the fake pytest; (make's exit code, what the fake saw)."""
    venv = tmp_path / "venv"  # a venv whose stamp is newer than the requirements: nothing to install
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / ".installed").touch()
    fake = script(tmp_path / "pytest", FAKE_PYTEST)
    out = tmp_path / "seen.json"
    done = subprocess.run(
        ["make", "--no-print-directory", "test", f"VENV={venv}", f"PYTEST={fake}", *args],
        cwd=ROOT,
        env=clean_env(FAKE_OUT=str(out), FAKE_EXIT=str(fake_exit), **env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    seen = json.loads(out.read_text()) if out.exists() else {}
    return done.returncode, seen


def test_make_test_runs_on_sqlite_even_when_test_database_url_is_set(tmp_path: Path) -> None:
    code, seen = make_test(tmp_path, TEST_DATABASE_URL="postgresql+psycopg://elsewhere/db")
    assert code == 0
    assert seen == {"url": ""}  # the suite's own SQLite database


def test_make_test_fails_when_no_test_ran(tmp_path: Path) -> None:
    code, seen = make_test(tmp_path, fake_exit=5)  # pytest's "no tests collected"
    assert seen == {"url": ""}
    assert code != 0


def test_make_test_on_postgresql_uses_test_database_url_when_set(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@db.example:5432/ci"
    code, seen = make_test(tmp_path, "DB=postgresql", TEST_DATABASE_URL=url)
    assert code == 0 and seen == {"url": url}


def test_make_test_on_postgresql_starts_a_throwaway_server_and_stops_it_when_tests_fail(tmp_path: Path) -> None:
    code, seen = make_test(tmp_path, "DB=postgresql", fake_exit=1)
    assert code != 0, "a failing suite must fail make test"
    url = seen["url"]
    assert url.startswith("postgresql+psycopg://postgres@127.0.0.1:") and url.endswith("/complaints_test")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert port != 55432
    data = Path(seen["data_directory"])
    assert data.name == "data" and data.parent.name.startswith("test-pg.")
    assert not data.parent.exists(), "the throw-away server's directory was left behind"
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url.replace("+psycopg", ""), connect_timeout=5)


def test_make_test_refuses_an_unknown_database(tmp_path: Path) -> None:
    code, seen = make_test(tmp_path, "DB=mysql")
    assert code != 0 and seen == {}


# --- .ci/run ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("failing", "expected_calls"), [(None, 4), ("test", 3), ("test DB=postgresql", 4)])
def test_ci_runs_lint_and_both_test_runs_and_fails_with_any_of_them(
    tmp_path: Path, failing: str | None, expected_calls: int
) -> None:
    log = tmp_path / "make.log"
    fake_make = script(
        tmp_path / "bin" / "make",
        f'#!/bin/sh\necho "$*" >> {log}\n[ "$*" = "{failing}" ] && exit 2\nexit 0\n',
    )
    done = subprocess.run(
        [str(ROOT / ".ci" / "run")],
        env=clean_env(PATH=f"{fake_make.parent}:{os.environ['PATH']}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    calls = log.read_text().splitlines()
    assert calls == ["venv", "lint", "test", "test DB=postgresql"][:expected_calls]
    assert (done.returncode == 0) is (failing is None), done.stderr

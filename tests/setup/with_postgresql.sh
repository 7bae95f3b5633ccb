#!/usr/bin/env bash
# Run a command (the test suite) with TEST_DATABASE_URL pointing at PostgreSQL: the one already
# set, or else a throw-away server started here (initdb into a temporary directory, a free port
# on 127.0.0.1) and stopped and removed on exit, whether the command passed or not.
set -euo pipefail

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi

initdb=$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1) ||
  { echo "no PostgreSQL server binaries (run tests/setup/ensure_system.sh)" >&2; exit 1; }
PG_BIN=$(dirname "$initdb")
PGDIR=$(mktemp -d /tmp/test-pg.XXXXXX)
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then # initdb refuses to run as root
  chown postgres:postgres "$PGDIR"
  as_postgres=(runuser -u postgres --)
fi

stop() {
  "${as_postgres[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${as_postgres[@]}" "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null
for attempt in 1 2 3; do # the free port may be taken before the server binds it: try another
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as_postgres[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
    -o "-p $port -k $PGDIR -c listen_addresses=127.0.0.1" start >/dev/null && break
  [ "$attempt" -lt 3 ] || { cat "$PGDIR/server.log" >&2; exit 1; }
done
"${as_postgres[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres complaints_test
echo "== throw-away PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($PGDIR)"

TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/complaints_test" "$@"

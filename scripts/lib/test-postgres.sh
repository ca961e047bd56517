# Starts a private, throw-away PostgreSQL cluster on 127.0.0.1 for the tests and exports
# INWARD_TEST_PG_URL (a JDBC URL of a database the tests may create databases from).
# Source it; call start_test_postgres; the cluster stops and is deleted when the shell exits.

start_test_postgres() {
  local bin port dir run
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$bin" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  dir="$(mktemp -d /tmp/portal-test-pg.XXXXXX)"
  run=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root; the Debian package creates the postgres user.
    chown postgres: "$dir"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$dir/data" -U portal --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  for port in $(shuf -i 21000-29000 -n 20); do
    if "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null 2>&1; then
      TEST_PG_DIR="$dir" TEST_PG_BIN="$bin"
      trap stop_test_postgres EXIT
      export INWARD_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$port/postgres?user=portal"
      echo "test PostgreSQL running on 127.0.0.1:$port (data in $dir)" >&2
      return
    fi
  done
  cat "$dir/server.log" >&2
  die "could not start the test PostgreSQL"
}

stop_test_postgres() {
  [ -n "${TEST_PG_DIR:-}" ] || return 0
  local run=()
  [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$TEST_PG_BIN/pg_ctl" -D "$TEST_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TEST_PG_DIR"
}

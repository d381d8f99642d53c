#!/usr/bin/env bash
# Starts and stops the servers the tests need, on 127.0.0.1 only, in a private directory.
# Sourced by scripts/test.sh. Exports JV_TEST_PG_URL and JV_TEST_SMTP_PORT when they are up.

JV_REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The first port from $1 upward that nothing listens on (several checkouts may run their
# tests on one machine at the same time).
jv_free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

start_test_services() {
  JV_SERVICES_DIR=$(mktemp -d /tmp/jadevault-services.XXXXXX)
  export JV_SERVICES_DIR
  chmod 755 "$JV_SERVICES_DIR"
  # PostgreSQL 15: a throwaway cluster owned by the postgres user.
  local pgbin=/usr/lib/postgresql/15/bin
  if [ -x "$pgbin/initdb" ]; then
    local pgdata="$JV_SERVICES_DIR/pg"
    local pgport
    pgport=$(jv_free_port 55432)
    mkdir -p "$pgdata"
    chown postgres "$pgdata"
    if su postgres -c "$pgbin/initdb -D $pgdata -A trust -U postgres --no-sync -E UTF8" >/dev/null 2>&1 &&
       su postgres -c "$pgbin/pg_ctl -D $pgdata -o '-k $pgdata -h 127.0.0.1 -p $pgport -c fsync=off' -l $pgdata/log -w start" >/dev/null 2>&1; then
      su postgres -c "$pgbin/createdb -h 127.0.0.1 -p $pgport jadevault_test" >/dev/null 2>&1 || true
      export JV_TEST_PG_URL="postgresql://postgres@127.0.0.1:$pgport/jadevault_test"
      echo "test services: PostgreSQL on 127.0.0.1:$pgport"
    else
      echo "test services: PostgreSQL did not start (see $pgdata/log)" >&2
    fi
  fi
  # SMTP sink (python3-aiosmtpd): stores every message as a file in $JV_SERVICES_DIR/mail.
  if /usr/bin/python3 -c "import aiosmtpd" 2>/dev/null; then
    local smtpport
    smtpport=$(jv_free_port 2525)
    mkdir -p "$JV_SERVICES_DIR/mail"
    /usr/bin/python3 "$JV_REPO_DIR/tests/integration/smtp_sink.py" 127.0.0.1 "$smtpport" "$JV_SERVICES_DIR/mail" \
      >"$JV_SERVICES_DIR/smtp.log" 2>&1 &
    echo $! >"$JV_SERVICES_DIR/smtp.pid"
    # Wait until it accepts connections (at most 15 s).
    for _ in $(seq 1 150); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$smtpport") 2>/dev/null; then break; fi
      sleep 0.1
    done
    export JV_TEST_SMTP_PORT=$smtpport
    export JV_TEST_MAIL_DIR="$JV_SERVICES_DIR/mail"
    echo "test services: SMTP sink on 127.0.0.1:$smtpport"
  fi
}

stop_test_services() {
  [ -n "${JV_SERVICES_DIR:-}" ] || return 0
  if [ -f "$JV_SERVICES_DIR/smtp.pid" ]; then kill "$(cat "$JV_SERVICES_DIR/smtp.pid")" 2>/dev/null || true; fi
  if [ -d "$JV_SERVICES_DIR/pg" ]; then
    su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $JV_SERVICES_DIR/pg -m fast stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$JV_SERVICES_DIR"
}

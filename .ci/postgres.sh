# Sourced by .ci/run: a PostgreSQL server from Debian's packages for the tests that read the Standard Safeguarding
# Dataset from it. Started for this run alone: initdb as the postgres user in a folder of its own, password
# authentication (scram-sha-256), listening on a free port of the loopback address only. Exports the URL (no
# password in it) and the password for the tests; `stop_postgres` stops it and removes its folder.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDIR=$(mktemp -d /tmp/compliance-ci-postgres.XXXXXX)
chown postgres: "$PGDIR"
PGSECRET=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')
(umask 077 && printf '%s\n' "$PGSECRET" > "$PGDIR/password") && chown postgres "$PGDIR/password"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --pwfile="$PGDIR/password" \
  --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PGDIR/initdb.log"
rm -f "$PGDIR/password"
PGSERVERPORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
  -o "-p $PGSERVERPORT -k $PGDIR -c listen_addresses=127.0.0.1" start >/dev/null
stop_postgres() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
export COMPLIANCE_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$PGSERVERPORT/postgres"
export COMPLIANCE_TEST_POSTGRES_PASSWORD="$PGSECRET"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$PGSERVERPORT"

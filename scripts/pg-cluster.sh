#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (Debian's `postgresql` package, installed by
# scripts/setup.sh): made with initdb in a new temporary folder, as an unprivileged user
# (initdb refuses root: as root the package's `postgres` user runs it), started with pg_ctl on
# a free local port, reached over TCP with a password (scram-sha-256) and TLS (a certificate
# of its own making, as Debian's package makes one) as a clinic's PCs would.
#
#   scripts/pg-cluster.sh start       prints shell assignments: FIDELIA_TEST_PG (the URL of the
#                                     cluster's `postgres` database, user `fidelia`) and
#                                     FIDELIA_TEST_PG_DIR (the folder, for stop)
#   scripts/pg-cluster.sh stop DIR    stops the cluster and removes its folder
#   scripts/pg-cluster.sh pause DIR   stops the server, keeping the cluster (a test of a server
#                                     that goes down)
#   scripts/pg-cluster.sh resume DIR  starts it again, on the same port
set -euo pipefail

bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$d" ] && [ -x "$d/initdb" ] || return 1
  echo "$d"
}

as_owner() { # runs a command as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    BIN="$(bindir)" || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
      echo "no 'postgres' user to run the cluster as (the postgresql package makes it)" >&2
      exit 1
    fi
    DIR="$(mktemp -d "${TMPDIR:-/tmp}/fidelia-pg.XXXXXX")"
    PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    PASSWORD="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    printf '%s\n' "$PASSWORD" >"$DIR/pw"
    chmod 755 "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DIR" "$DIR/pw"
    as_owner "$BIN/initdb" -D "$DIR/data" -U fidelia --pwfile="$DIR/pw" -A scram-sha-256 \
      --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 || {
      cat "$DIR/initdb.log" >&2; rm -rf "$DIR"; exit 1; }
    rm -f "$DIR/pw"
    # TLS offered, as Debian's package does, with a certificate of its own making.
    openssl req -new -x509 -days 7 -nodes -subj "/CN=127.0.0.1" \
      -keyout "$DIR/server.key" -out "$DIR/server.crt" >"$DIR/openssl.log" 2>&1 || {
      cat "$DIR/openssl.log" >&2; rm -rf "$DIR"; exit 1; }
    chmod 600 "$DIR/server.key"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DIR/server.key" "$DIR/server.crt"
    # fsync off: a test cluster holds nothing worth keeping.
    printf '%s\n' "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c ssl=on -c ssl_cert_file=$DIR/server.crt -c ssl_key_file=$DIR/server.key" >"$DIR/options"
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 -o "$(cat "$DIR/options")" \
      start >/dev/null 2>&1 || { cat "$DIR/server.log" >&2; rm -rf "$DIR"; exit 1; }
    echo "FIDELIA_TEST_PG=postgres://fidelia:$PASSWORD@127.0.0.1:$PORT/postgres"
    echo "FIDELIA_TEST_PG_DIR=$DIR"
    ;;
  stop)
    DIR="${2:?usage: pg-cluster.sh stop DIR}"
    case "$DIR" in */fidelia-pg.*) ;; *) echo "not a cluster folder: $DIR" >&2; exit 1 ;; esac
    if BIN="$(bindir)" && [ -d "$DIR/data" ]; then
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
    ;;
  pause | resume)
    DIR="${2:?usage: pg-cluster.sh pause|resume DIR}"
    case "$DIR" in */fidelia-pg.*) ;; *) echo "not a cluster folder: $DIR" >&2; exit 1 ;; esac
    BIN="$(bindir)"
    if [ "$1" = pause ]; then
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
    else
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 -o "$(cat "$DIR/options")" \
        start >/dev/null
    fi
    ;;
  *)
    echo "usage: $0 start | stop DIR | pause DIR | resume DIR" >&2
    exit 2
    ;;
esac

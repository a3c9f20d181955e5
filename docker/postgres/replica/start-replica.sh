#!/bin/sh
# The streaming replica of the `replica` profile (docs/replicas.md). On its first start (an empty
# volume) it takes a base backup of the primary with `pg_basebackup -R`, which also writes
# standby.signal and primary_conninfo; then, every start, it runs the server as a hot standby.
# Runs as the postgres user; PGPASSWORD is the replication role's password.
set -eu

: "${PRIMARY_HOST:?}" "${REPLICATION_USER:?}" "${PGDATA:?}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  # Until the primary answers (and has run its init scripts); a failed attempt leaves no half-copy.
  until pg_basebackup --host="$PRIMARY_HOST" --port="${PRIMARY_PORT:-5432}" --username="$REPLICATION_USER" \
    --pgdata="$PGDATA" --write-recovery-conf --wal-method=stream --checkpoint=fast --no-password; do
    echo "replica: no base backup from $PRIMARY_HOST yet; retrying in 2 s"
    rm -rf "$PGDATA"
    sleep 2
  done
  echo "replica: base backup taken from $PRIMARY_HOST"
fi

# hot_standby_feedback: the primary's vacuum keeps the rows a long query here still reads (an export's
# cursor), instead of the replica cancelling that query when it replays the cleanup.
exec postgres -c hot_standby=on -c hot_standby_feedback=on "$@"

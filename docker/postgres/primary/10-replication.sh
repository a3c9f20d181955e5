#!/usr/bin/env bash
# The primary's side of streaming replication (docs/replicas.md), run by the postgres image when it
# initializes an empty data directory (mounted at /docker-entrypoint-initdb.d): the role a replica
# connects as, and the pg_hba.conf entry that lets it stream from another container (initdb's own
# `replication` entries are for 127.0.0.1 only). Idempotent: on a volume initialized before this
# script existed, run it once by hand:
#   docker compose exec -u postgres postgres bash /docker-entrypoint-initdb.d/10-replication.sh
# In a subshell: the image sources an init script that is not executable, and its shell options
# must stay the entrypoint's.
(
  set -euo pipefail

  replication_user="${POSTGRES_REPLICATION_USER:-replicator}"
  replication_password="${POSTGRES_REPLICATION_PASSWORD:-replicator}"

  # psql's :'name' quotes a variable as a literal, format's %I as an identifier: no injection.
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    --set name="$replication_user" --set password="$replication_password" <<'SQL'
SELECT format('CREATE ROLE %I WITH REPLICATION LOGIN PASSWORD %L', :'name', :'password')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'name') \gexec
SQL

  hba="${PGDATA:-/var/lib/postgresql/data}/pg_hba.conf"
  entry="host replication ${replication_user} all scram-sha-256"
  grep -qxF "$entry" "$hba" || printf '%s\n' "$entry" >>"$hba"
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres -qAt -c 'SELECT pg_reload_conf()' >/dev/null
  echo "replication: role ${replication_user} and its pg_hba.conf entry are in place"
)

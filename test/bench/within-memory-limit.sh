#!/usr/bin/env bash
# Runs a command as if on a machine with MEMORY_LIMIT of memory (default 8G): the command, this
# machine's PostgreSQL and its Redis go into one memory cgroup with that limit (page cache counts
# against it), and are moved back out when the command ends. The group's peak use and its OOM kills
# are printed last. Needs root and a cgroup memory controller (v1 or v2). README: "Performance at
# scale" runs `catalog bench scale --models 3000000` this way.
#
# Memory a process already holds is not moved with it on kernels without memory.move_charge (most
# now): RESTART_POSTGRES=1 restarts PostgreSQL (pg_ctlcluster) inside the group, so that its shared
# buffers count too, and again outside it at the end.
#
#   RESTART_POSTGRES=1 test/bench/within-memory-limit.sh npx catalog bench scale --models 3000000 --keep --reuse
set -euo pipefail

limit=${MEMORY_LIMIT:-8G}
[ "$#" -gt 0 ] || { echo "usage: $0 command [args…]  (MEMORY_LIMIT=8G)" >&2; exit 64; }

name="catalog-memory-limit-$$"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  group=/sys/fs/cgroup/$name
  mkdir "$group"
  echo "$limit" > "$group/memory.max"
  peak() { cat "$group/memory.peak" 2>/dev/null || cat "$group/memory.current"; }
  kills() { awk '$1 == "oom_kill" { print $2 }' "$group/memory.events"; }
  home() { echo /sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup"); }
else
  group=/sys/fs/cgroup/memory/$name
  mkdir "$group"
  echo "$limit" > "$group/memory.limit_in_bytes"
  peak() { cat "$group/memory.max_usage_in_bytes"; }
  kills() { awk '$1 == "oom_kill" { print $2 }' "$group/memory.oom_control"; }
  home() { echo /sys/fs/cgroup/memory$(awk -F: '$2 == "memory" { print $3 }' "/proc/$1/cgroup"); }
fi

services() { pgrep -x postgres || true; pgrep -x redis-server || true; }
pg_restart() { pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main restart; }

# Where this shell and the services came from; a PostgreSQL process started while the command runs
# (a backend, or every one after a restart) goes back where the postmaster was.
self=$(home $$)
outside=$self
declare -A origin
for pid in $(services); do origin[$pid]=$(home "$pid"); done
postmaster=$(pgrep -xo postgres || true)
[ -n "$postmaster" ] && outside=${origin[$postmaster]}

restore() {
  for pid in $(services); do echo "$pid" > "${origin[$pid]:-$outside}/cgroup.procs" 2>/dev/null || true; done
  echo $$ > "$self/cgroup.procs"
  if [ "${RESTART_POSTGRES:-0}" = 1 ]; then pg_restart; fi
  echo "memory limit $limit: peak $(( $(peak) / 1048576 )) MB, OOM kills $(kills)" >&2
  rmdir "$group" 2>/dev/null || echo "$group still holds processes; it stays" >&2
}
trap restore EXIT

echo $$ > "$group/cgroup.procs"
for pid in $(services); do echo "$pid" > "$group/cgroup.procs"; done
if [ "${RESTART_POSTGRES:-0}" = 1 ]; then pg_restart; fi
"$@"

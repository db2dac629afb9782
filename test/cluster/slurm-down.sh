#!/usr/bin/env bash
# slurm-down.sh — stop the daemons slurm-up.sh started (listed in $SLURM_LOCAL_DIR/started),
# by the PIDs in their pid files; daemons that were already running are left alone.
# SLURM_LOCAL_PURGE=1 also deletes $SLURM_LOCAL_DIR (state, logs, config).
set -uo pipefail
DIR=${SLURM_LOCAL_DIR:-/tmp/computerace-slurm}

stop_pidfile() { # name pidfile
  local name=$1 pf=$2 pid
  [ -s "$pf" ] || { echo "[slurm-down] $name: no pid file"; return 0; }
  pid=$(cat "$pf")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    echo "[slurm-down] $name (pid $pid) stopped"
  else
    echo "[slurm-down] $name (pid $pid) not running"
  fi
  rm -f "$pf"
}

# cancel jobs still queued/running (slurmstepd outlives slurmd otherwise)
if [ -s "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null; then
  jobs=$(SLURM_CONF=$DIR/slurm.conf squeue -h -o %A 2>/dev/null | sort -u)
  if [ -n "$jobs" ]; then
    SLURM_CONF=$DIR/slurm.conf scancel $jobs
    for _ in $(seq 50); do [ -z "$(SLURM_CONF=$DIR/slurm.conf squeue -h -t R,CG -o %A 2>/dev/null)" ] && break; sleep 0.2; done
    echo "[slurm-down] cancelled jobs: $(echo $jobs)"
  fi
fi

# slurmd first (it also ends its slurmstepd children), then the controller, then munge
for name in slurmd slurmctld munged; do
  line=$(grep "^$name " "$DIR/started" 2>/dev/null | tail -1 || true)
  [ -n "$line" ] && stop_pidfile "$name" "${line#* }"
done
rm -f "$DIR/started"

if [ "${SLURM_LOCAL_PURGE:-0}" = 1 ]; then rm -rf "$DIR"; echo "[slurm-down] removed $DIR"; fi

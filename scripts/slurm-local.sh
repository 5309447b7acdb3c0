#!/usr/bin/env bash
# A one-node SLURM cluster on localhost, for trying and testing the batch/ job scripts on one
# machine (Debian 12, as root, with or without systemd).
#
# Usage: scripts/slurm-local.sh start|stop|status|env [--dir DIR]
#   start   start munged (unless one already answers), slurmctld and slurmd; idempotent
#   stop    cancel the cluster's jobs, shut it down and remove what start created
#   status  say what runs (exit 0 when the cluster is up, 3 when it is not)
#   env     print the line that points the SLURM commands at this cluster:
#             eval "$(scripts/slurm-local.sh env)"; sbatch ...
#   --dir DIR  the state folder: slurm.conf, spool, logs, pid files (default
#              $OMPSWEEP_SLURM_DIR, else /tmp/ompsweep-slurm)
#
# The cluster: node `localhost` (127.0.0.1) with the CPUs, cores and memory `slurmd -C`
# reports, one default partition `local`, SlurmUser=root, munge authentication, no cgroups
# (proctrack/linuxproc; task/affinity where sched_setaffinity works, else task/none), whole
# cores allocated (select/cons_tres, CR_Core), PMIx for MPI (srun --mpi=pmix), and a job
# completion record (jobcomp/filetxt) in DIR/jobcomp.log, since sacct needs slurmdbd.
# Ports: $OMPSWEEP_SLURM_PORT (default 6817) for slurmctld, the next one for slurmd.
#
# Nothing is written outside DIR except /run/munge (created when missing, for munged's socket
# and pid file, and removed again by stop) and munged's own log and seed under /var. The
# configuration is not installed in /etc/slurm: SLURM commands find it through SLURM_CONF
# (the `env` line), and jobs inherit it from sbatch's environment.
# Exit codes: 0 ok, 1 failure (not root, packages missing, a daemon did not come up), 2 usage.
set -euo pipefail

usage() {
  sed -n '5,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

die() {
  echo "slurm-local: $*" >&2
  exit 1
}

say() { echo "slurm-local: $*" >&2; }

[ $# -ge 1 ] || usage
action=$1
shift
dir=${OMPSWEEP_SLURM_DIR:-/tmp/ompsweep-slurm}
while [ $# -gt 0 ]; do
  case $1 in
    --dir)
      [ $# -ge 2 ] || { echo "slurm-local: --dir needs a folder" >&2; exit 2; }
      dir=$2
      shift 2
      ;;
    --dir=*) dir=${1#--dir=}; shift ;;
    -h | --help) usage ;;
    *) echo "slurm-local: unknown argument '$1'" >&2; usage ;;
  esac
done
case $action in
  start | stop | status | env) ;;
  -h | --help) usage ;;
  *) echo "slurm-local: unknown action '$action' (start, stop, status or env)" >&2; exit 2 ;;
esac
[ -n "$dir" ] || { echo "slurm-local: --dir is empty" >&2; exit 2; }
case $dir in /*) ;; *) dir="$PWD/$dir" ;; esac

port=${OMPSWEEP_SLURM_PORT:-6817}
case $port in
  '' | *[!0-9]*) echo "slurm-local: OMPSWEEP_SLURM_PORT='$port' is not a port number" >&2; exit 2 ;;
esac
dport=$((port + 1))

conf="$dir/slurm.conf"
marker="$dir/.ompsweep-slurm-local" # only a folder holding it is ever removed
export SLURM_CONF="$conf"
munge_run=/run/munge

if [ "$action" = env ]; then
  printf 'export SLURM_CONF=%q\n' "$conf"
  exit 0
fi

# ---- checks ----------------------------------------------------------------------------------

need_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (munged, slurmctld and slurmd are started" \
    "as system daemons); on a real cluster the batch/ scripts need none of this"
}

need_commands() {
  local missing=() c
  for c in munged munge unmunge slurmctld slurmd scontrol sinfo squeue scancel sbatch srun; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  die "missing commands: ${missing[*]}; install the packages slurm-wlm and munge" \
    "(scripts/deps.sh installs them, or: apt-get install -y slurm-wlm munge)"
}

pid_alive() { # pid_alive FILE: the process named in a pid file is running
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  case $pid in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null
}

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

port_busy() { # something accepts connections on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for() { # wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s
  local limit=$1 what=$2 i=0
  shift 2
  while ! "$@" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -le $((limit * 10)) ] || { say "$what did not happen within $limit s"; return 1; }
    sleep 0.1
  done
}

ctld_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
node_idle() { [ "$(sinfo -h -o %t 2>/dev/null)" = idle ]; }
cluster_up() { [ -f "$marker" ] && pid_alive "$dir/slurmctld.pid" && pid_alive "$dir/slurmd.pid"; }

log_tail() { # the end of a log, to explain a failure
  [ -f "$1" ] || return 0
  echo "--- last lines of $1:" >&2
  tail -n 15 "$1" >&2
}

# ---- start -----------------------------------------------------------------------------------

start_munge() {
  if munge_ok; then
    say "munged already answers; using it"
    return 0
  fi
  if [ ! -d "$munge_run" ]; then
    mkdir -p "$munge_run"
    touch "$dir/created-run-munge"
  fi
  # munged refuses a socket folder it does not own or that others can write to.
  chown munge:munge "$munge_run"
  chmod 0755 "$munge_run"
  [ -r /etc/munge/munge.key ] || die "/etc/munge/munge.key is missing (reinstall munge, or" \
    "create one with mungekey as the munge user)"
  runuser -u munge -- munged || die "munged did not start (see /var/log/munge/munged.log)"
  touch "$dir/started-munged"
  wait_for 10 "munge -n | unmunge" munge_ok || die "munged started but does not answer"
}

# Affinity calls may be blocked in a container: then slurmd could not bind tasks.
task_plugin() {
  if taskset -c 0 true >/dev/null 2>&1; then echo task/affinity; else echo task/none; fi
}

write_conf() {
  local node mem tmp
  # The hardware line of `slurmd -C`, for node localhost at 127.0.0.1.
  node=$(slurmd -C | sed -n 's/^NodeName=[^ ]* //p' | head -n 1)
  [ -n "$node" ] || die "'slurmd -C' printed no NodeName line"
  mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node")
  [ -n "$mem" ] || die "'slurmd -C' printed no RealMemory"
  tmp=$(mktemp "$conf.tmp.XXXXXX")
  cat >"$tmp" <<EOF
# One-node cluster on localhost, written by scripts/slurm-local.sh: do not edit, it is
# rewritten by every start. State, spool and logs are in $dir.
ClusterName=ompsweep-local
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$dport
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=$(task_plugin)
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.log
MpiDefault=pmix
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
StateSaveLocation=$dir/spool/slurmctld
SlurmdSpoolDir=$dir/spool/slurmd
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=localhost NodeAddr=127.0.0.1 $node State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$tmp" "$conf"
}

start() {
  need_root
  need_commands
  if cluster_up && ctld_up; then
    say "already running (state in $dir)"
    printf 'export SLURM_CONF=%q\n' "$conf"
    return 0
  fi
  if [ -e "$dir" ] && [ ! -f "$marker" ]; then
    die "$dir exists and was not made by this script; choose another with --dir"
  fi
  if [ -f "$marker" ]; then # a cluster half up, or left by a crash: start afresh
    say "cleaning up a previous cluster in $dir"
    stop
  fi
  for p in "$port" "$dport"; do
    port_busy "$p" && die "port $p is in use (another slurmctld or slurmd?); choose other" \
      "ports with OMPSWEEP_SLURM_PORT"
  done
  mkdir -p "$dir/spool/slurmctld" "$dir/spool/slurmd" "$dir/log"
  touch "$marker"
  start_munge
  write_conf
  slurmctld -f "$conf" || { log_tail "$dir/log/slurmctld.log"; die "slurmctld did not start"; }
  wait_for 20 "scontrol ping: UP" ctld_up || {
    log_tail "$dir/log/slurmctld.log"
    die "slurmctld does not answer"
  }
  slurmd -f "$conf" -N localhost || { log_tail "$dir/log/slurmd.log"; die "slurmd did not start"; }
  wait_for 20 "node localhost idle" node_idle || {
    log_tail "$dir/log/slurmd.log"
    sinfo >&2 || true
    die "node localhost did not become idle"
  }
  say "up: partition local, node localhost ($(sinfo -h -o '%c CPUs, %m MB')); state in $dir"
  printf 'export SLURM_CONF=%q\n' "$conf"
}

# ---- stop ------------------------------------------------------------------------------------

stop_pid() { # stop_pid FILE NAME: TERM, then KILL after 10 s, the process of a pid file
  local pid i
  pid_alive "$1" || return 0
  pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "$2 (pid $pid) ignored TERM; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

stop() {
  if [ ! -e "$dir" ]; then
    say "nothing to stop in $dir"
    return 0
  fi
  [ -f "$marker" ] || die "$dir was not made by this script; not touching it"
  need_root
  if pid_alive "$dir/slurmctld.pid" && ctld_up; then
    # Jobs first, so that no job step outlives its slurmd.
    if [ -n "$(squeue -h -o %i 2>/dev/null)" ]; then
      scancel --quiet --partition=local 2>/dev/null || true
      wait_for 15 "the jobs to end" test -z "$(squeue -h -o %i 2>/dev/null)" || true
    fi
    scontrol shutdown >/dev/null 2>&1 || true
  fi
  stop_pid "$dir/slurmd.pid" slurmd
  stop_pid "$dir/slurmctld.pid" slurmctld
  if [ -f "$dir/started-munged" ]; then
    stop_pid "$munge_run/munged.pid" munged
  fi
  if [ -f "$dir/created-run-munge" ]; then
    rm -rf "$munge_run"
  fi
  rm -rf "$dir"
  say "stopped; removed $dir"
}

# ---- status ----------------------------------------------------------------------------------

status() {
  local up=0
  if munge_ok; then say "munged: answers"; else say "munged: does not answer"; fi
  if [ -f "$marker" ]; then
    if pid_alive "$dir/slurmctld.pid"; then say "slurmctld: pid $(cat "$dir/slurmctld.pid")"; else say "slurmctld: not running"; fi
    if pid_alive "$dir/slurmd.pid"; then say "slurmd: pid $(cat "$dir/slurmd.pid")"; else say "slurmd: not running"; fi
    if cluster_up && ctld_up; then
      up=1
      sinfo
      squeue
    fi
  else
    say "no cluster in $dir"
  fi
  [ "$up" -eq 1 ] || return 3
}

"$action"

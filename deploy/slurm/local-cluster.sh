#!/usr/bin/env bash
# local-cluster.sh — bring up a one-node Slurm cluster on this Debian machine.
#
# What it does (each step is skipped when already done, so a second run is
# quick and harmless):
#   1. installs Debian's slurm-wlm and munge packages if they are missing;
#   2. creates the munge key if missing and starts munged (no systemd here:
#      the daemon is started directly, as the munge user);
#   3. writes a minimal /etc/slurm/slurm.conf for this host (rewritten only
#      when its content would change; running daemons are then restarted);
#   4. starts slurmctld and slurmd if they are not running (they daemonise
#      themselves and log to /var/log/slurm/);
#   5. waits (SLURM_WAIT_SECONDS, default 60) until the node is up, resuming
#      it if it is down or drained.
#
# Must be run as root. Exits non-zero with a message on the first failure.
#
# Environment knobs:
#   SLURM_WAIT_SECONDS  how long to wait for the node to become usable (60)
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

readonly SLURM_CONF=/etc/slurm/slurm.conf
readonly LOG_DIR=/var/log/slurm
readonly SPOOL_DIR=/var/spool/slurm
readonly CTLD_PID=/run/slurmctld.pid
readonly SLURMD_PID=/run/slurmd.pid
readonly WAIT_SECONDS="${SLURM_WAIT_SECONDS:-60}"

NODE="$(hostname -s)"
readonly NODE

log() { printf '[local-cluster] %s\n' "$*"; }
die() { printf '[local-cluster] ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$(id -u)" -eq 0 ]] || die "must be run as root"

# Print the pids of live (not zombie) processes whose name is exactly $1.
# (Daemons started here get reparented to PID 1, which may be slow to reap
# their exited forks, so pgrep alone would count zombies as running.)
live_pids() {
    ps -eo pid=,stat=,comm= | awk -v n="$1" '$3 == n && $2 !~ /^Z/ { print $1 }'
}

# Print the pid of the running daemon $2: the one in pid file $1 if that
# process really is $2 (a stale pid file after a reboot may name an unrelated
# process), else the first live process named exactly $2. Prints nothing if
# none.
daemon_pid() {
    local pidfile="$1" name="$2" pid=""
    if [[ -s "$pidfile" ]]; then
        pid="$(tr -dc '0-9' <"$pidfile")"
        if [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]] \
            && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; then
            echo "$pid"
            return 0
        fi
    fi
    live_pids "$name" | head -n1
}

daemon_running() { [[ -n "$(daemon_pid "$1" "$2")" ]]; }

# Stop the daemon $2 (pid file $1) and wait up to 10 s for it to exit.
stop_daemon() {
    local pidfile="$1" name="$2" pid i
    pid="$(daemon_pid "$pidfile" "$name")"
    [[ -n "$pid" ]] || return 0
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    die "$name (pid $pid) did not stop within 10 s"
}

# ---------------------------------------------------------------------------
# 1. Packages
# ---------------------------------------------------------------------------
missing=()
for pkg in slurm-wlm munge; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]})); then
    log "installing ${missing[*]} (apt-get)"
    apt_log="$(mktemp)"
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
        >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        die "apt-get install ${missing[*]} failed"
    fi
    rm -f "$apt_log"
else
    log "packages slurm-wlm and munge already installed"
fi
command -v slurmctld >/dev/null || die "slurmctld not found after install"
command -v slurmd >/dev/null || die "slurmd not found after install"
command -v munged >/dev/null || die "munged not found after install"

# ---------------------------------------------------------------------------
# 2. Munge: key, directories, daemon
# ---------------------------------------------------------------------------
# munged is strict about ownership and modes: the key must be owned by the
# munge user and not readable by others, /etc/munge and /var/lib/munge must
# not be writable by group/other, and the socket directory /run/munge (on a
# tmpfs, so possibly missing) must exist, owned by munge, mode 0755.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
    log "creating munge key"
    runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key \
        || die "mungekey failed"
fi
chown munge:munge /etc/munge/munge.key
chmod 0600 /etc/munge/munge.key

munge_works() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
wait_munge() {
    local i
    for ((i = 0; i < 50; i++)); do
        munge_works && return 0
        sleep 0.1
    done
    return 1
}

if munge_works; then
    log "munged already running"
elif [[ -n "$(daemon_pid /run/munge/munged.pid munged)" ]]; then
    # A munged exists but does not answer (yet): give it a moment rather than
    # start a second one (munged --force would steal its socket).
    wait_munge || die "munged is running but munge -n | unmunge fails (see /var/log/munge/munged.log)"
    log "munged already running"
else
    log "starting munged"
    # Run as the munge user: as root munged warns that its files are owned by
    # munge. A socket left by a killed munged is reclaimed without --force.
    runuser -u munge -- munged || die "munged failed to start (see /var/log/munge/munged.log)"
    wait_munge || die "munge -n | unmunge fails after starting munged (see /var/log/munge/munged.log)"
fi

# ---------------------------------------------------------------------------
# 3. slurm.conf
# ---------------------------------------------------------------------------
install -d -m 0755 /etc/slurm "$LOG_DIR" "$SPOOL_DIR"
install -d -m 0700 "$SPOOL_DIR/ctld" "$SPOOL_DIR/d"

# RealMemory: take what slurmd itself detects (slurmd -C), so it never
# exceeds the detected value (which would make slurmctld drain the node).
# It is rounded down to 100 MB so that a few MB of drift between runs does
# not rewrite the config (and restart the daemons). Fall back to omitting it
# (Slurm then assumes 1 MB).
real_mem="$(slurmd -C 2>/dev/null | tr ' ' '\n' | sed -n 's/^RealMemory=//p' | head -n1 || true)"
mem_field=""
if [[ "$real_mem" =~ ^[0-9]+$ ]] && ((real_mem >= 200)); then
    mem_field=" RealMemory=$((real_mem / 100 * 100))"
fi

conf_tmp="$(mktemp)"
trap 'rm -f "$conf_tmp"' EXIT
cat >"$conf_tmp" <<EOF
# Generated by local-cluster.sh — a one-node local cluster. Do not edit:
# it is rewritten whenever its content would change.
ClusterName=local
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
# No mail on this machine; the default (/usr/bin/mail) is missing, which
# slurmctld logs as an error at every start.
MailProg=/bin/true
# No cgroups: plain process tracking, no task binding (no cgroup.conf).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# Cancel a job whose dependency can never be met (e.g. merge.sbatch with
# afterok on a failed sweep) instead of leaving it pending for ever.
DependencyParameters=kill_invalid_depend
# A node that was DOWN becomes usable again as soon as slurmd registers.
ReturnToService=2
StateSaveLocation=$SPOOL_DIR/ctld
SlurmdSpoolDir=$SPOOL_DIR/d
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$NODE CPUs=$(nproc)${mem_field} State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

conf_changed=0
if [[ -f "$SLURM_CONF" ]] && cmp -s "$conf_tmp" "$SLURM_CONF"; then
    log "$SLURM_CONF up to date"
else
    log "writing $SLURM_CONF"
    install -m 0644 "$conf_tmp" "$SLURM_CONF"
    conf_changed=1
fi

# ---------------------------------------------------------------------------
# 4. Daemons
# ---------------------------------------------------------------------------
if ((conf_changed)); then
    # New config: restart whatever is running so it is read.
    stop_daemon "$SLURMD_PID" slurmd
    stop_daemon "$CTLD_PID" slurmctld
fi

if daemon_running "$CTLD_PID" slurmctld; then
    log "slurmctld already running"
else
    log "starting slurmctld (log: $LOG_DIR/slurmctld.log)"
    slurmctld || die "slurmctld failed to start; see $LOG_DIR/slurmctld.log"
fi

if daemon_running "$SLURMD_PID" slurmd; then
    log "slurmd already running"
else
    log "starting slurmd (log: $LOG_DIR/slurmd.log)"
    slurmd || die "slurmd failed to start; see $LOG_DIR/slurmd.log"
fi

# ---------------------------------------------------------------------------
# 5. Wait for the node
# ---------------------------------------------------------------------------
# "Up" means idle, or mix/alloc/completing when jobs are already running (a
# second run of this script while a sweep is going on must not fail).
# A trailing "*" (not responding) or "~"/"#"/"%" (power states) is not up.
log "waiting up to ${WAIT_SECONDS}s for node $NODE"
deadline=$((SECONDS + WAIT_SECONDS))
state=""
while ((SECONDS < deadline)); do
    state="$(sinfo -h -n "$NODE" -o %t 2>/dev/null | head -n1 || true)"
    case "$state" in
        idle | mix | alloc | comp)
            log "node $NODE is $state; cluster ready"
            exit 0
            ;;
        down | drain | drng | drain\* | down\* | fail | maint)
            # down* = slurmd not responding yet; a resume is harmless and
            # clears a DOWN/DRAIN reason left by an earlier run.
            log "node $NODE is $state; resuming it"
            scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true
            ;;
    esac
    sleep 1
done
die "node $NODE not up after ${WAIT_SECONDS}s (last state: '${state:-none}'); see $LOG_DIR/slurmctld.log and $LOG_DIR/slurmd.log"

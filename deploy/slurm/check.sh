#!/usr/bin/env bash
# check.sh — CI check: a sharded run on a real (one-node, local) Slurm cluster
# must give byte-for-byte the same results folder as an unsharded run.
#
# Usage:
#   BUDGET_BANDIT=/abs/or/rel/path/to/budget-bandit check.sh SCENARIO.toml [NAME]
#
#   SCENARIO  scenario file to run
#   NAME      scenario name, i.e. the results subfolder; default: the
#             top-level `name = "..."` of SCENARIO, else its file stem
#   env BUDGET_BANDIT   built binary (required)
#   env BB_SHARDS       number of array tasks/shards (default 3)
#   env KEEP_TMP=1      keep the work folder even on success
#   env BB_WAIT         how to wait for the jobs: "sbatch" (default) uses
#                       `sbatch --wait`, which polls the controller after 2 s,
#                       then 10 s, 42 s, 74 s, ... so a step's time is rounded
#                       up to the next poll; "poll" submits without --wait and
#                       polls squeue every second instead (tighter timings)
#
# Steps: local-cluster.sh (install/start Slurm) -> unsharded reference run
# into REF -> `sbatch --array=1-N --wait sweep.sbatch` into SHARDS ->
# `sbatch --dependency=afterok:<array id> --wait merge.sbatch` into MERGED ->
# diff -r REF/NAME MERGED/NAME. Prints the seconds each step took.
#
# Prints "skipped: <reason>" and exits 0 when not root, or when Slurm/munge
# are not installed yet and apt cannot reach the package registry.
# Exits non-zero on any failure or difference.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
shards_n="${BB_SHARDS:-3}"
wait_mode="${BB_WAIT:-sbatch}"

die() { printf 'check.sh: FAIL: %s\n' "$*" >&2; exit 1; }
skip() { printf 'skipped: %s\n' "$*"; exit 0; }

# ---- preconditions --------------------------------------------------------
[[ "$(id -u)" -eq 0 ]] || skip "not root (needs to install and run Slurm daemons)"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
if ! { installed slurm-wlm && installed munge; }; then
    # apt-get update exits 0 on some fetch failures, so look at its output too.
    if ! apt_out="$(timeout 120 apt-get update -qq 2>&1)" \
        || grep -qE '^(E|W): (Failed to fetch|Some index files|Could not resolve|Temporary failure)' <<<"$apt_out"; then
        skip "apt cannot reach the package registry to install slurm-wlm/munge"
    fi
fi

(($# >= 1 && $# <= 2)) || die "usage: BUDGET_BANDIT=path check.sh SCENARIO.toml [NAME]"
[[ -n "${BUDGET_BANDIT:-}" ]] || die "set BUDGET_BANDIT to the built binary"
[[ "$shards_n" =~ ^[1-9][0-9]*$ ]] || die "BB_SHARDS must be a positive integer"
[[ "$wait_mode" == sbatch || "$wait_mode" == poll ]] || die "BB_WAIT must be sbatch or poll"
# Jobs run in other processes and possibly another cwd: use absolute paths.
bin="$(realpath -e "$BUDGET_BANDIT")" || die "BUDGET_BANDIT not found: $BUDGET_BANDIT"
[[ -x "$bin" ]] || die "BUDGET_BANDIT is not executable: $bin"
scenario="$(realpath -e "$1")" || die "scenario not found: $1"
name="${2:-}"
if [[ -z "$name" ]]; then
    # First `name = "..."` before any [table] header, else the file stem.
    name="$(awk '/^[[:space:]]*\[/ { exit }
                 match($0, /^[[:space:]]*name[[:space:]]*=[[:space:]]*"[^"]*"/) {
                     s = substr($0, RSTART, RLENGTH); sub(/^[^"]*"/, "", s); sub(/"$/, "", s); print s; exit
                 }' "$scenario")"
    name="${name:-$(basename "$scenario" .toml)}"
fi

# ---- timing helpers -------------------------------------------------------
now() { date +%s.%N; }
timings=()
step_start=""
begin() { printf '== %s\n' "$1"; step_start="$(now)"; }
end() {
    local secs
    secs="$(awk -v a="$step_start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
    timings+=("$(printf '%-22s %7s s' "$1" "$secs")")
    printf '   %s: %s s\n' "$1" "$secs"
}

work="$(mktemp -d /tmp/bb-slurm-check.XXXXXX)"
ok=0
cleanup() {
    if ((ok)) && [[ "${KEEP_TMP:-0}" != 1 ]]; then
        rm -rf "$work"
    else
        echo "check.sh: work folder kept: $work" >&2
    fi
}
trap cleanup EXIT
ref="$work/ref" shards="$work/shards" merged="$work/merged" logs="$work/logs"
mkdir -p "$ref" "$shards" "$merged" "$logs"

# Show the job logs when a job fails, so CI output says why.
show_logs() {
    local f
    for f in "$logs"/*.out; do
        [[ -e "$f" ]] || continue
        printf -- '--- %s\n' "$f" >&2
        cat "$f" >&2
    done
}

# submit ARGS...: sbatch --parsable ARGS, waiting for the job (and, for an
# array, all its tasks) to end; prints the job id; fails if any task did not
# complete with exit code 0.
submit() {
    local out id states
    if [[ "$wait_mode" == sbatch ]]; then
        out="$(sbatch --parsable --wait "$@")" || return 1
        echo "${out%%;*}"                   # --parsable prints "id[;cluster]"
        return 0
    fi
    out="$(sbatch --parsable "$@")" || return 1
    id="${out%%;*}"
    # squeue lists the job (all array tasks) until every part has ended.
    while [[ -n "$(squeue -h -j "$id" -o %i 2>/dev/null)" ]]; do sleep 1; done
    # Finished jobs stay visible to scontrol for MinJobAge (300 s).
    states="$(scontrol -o show job "$id" | grep -o 'JobState=[A-Z_]*' | sort -u)"
    echo "$id"
    [[ "$states" == "JobState=COMPLETED" ]]
}

echo "check.sh: binary $bin, scenario $scenario (name $name), $shards_n shards, work $work"

# ---- 1. cluster -----------------------------------------------------------
begin "local-cluster.sh"
"$here/local-cluster.sh" || die "local-cluster.sh failed"
end "local-cluster.sh"

# ---- 2. unsharded reference -----------------------------------------------
begin "unsharded reference run"
"$bin" run "$scenario" --out "$ref" --quiet || die "reference run failed"
[[ -d "$ref/$name" ]] || die "reference run wrote no $ref/$name (wrong NAME?)"
end "reference run"

# ---- 3. sharded sweep (job array) -----------------------------------------
# sbatch --wait blocks until every task of the array has ended; its exit code
# is non-zero if any task failed. --chdir/--output keep the logs in $work.
begin "sbatch sweep (array 1-$shards_n)"
sweep_id="$(BUDGET_BANDIT="$bin" submit \
    --array="1-$shards_n" --chdir="$work" --output="$logs/sweep-%A_%a.out" \
    "$here/sweep.sbatch" "$scenario" "$shards")" || { show_logs; die "sweep array job failed"; }
[[ "$sweep_id" =~ ^[0-9]+$ ]] || die "could not parse sweep job id from: $sweep_id"
end "sweep (job $sweep_id)"

# ---- 4. merge, after the array --------------------------------------------
begin "sbatch merge (afterok:$sweep_id)"
merge_id="$(BUDGET_BANDIT="$bin" submit \
    --dependency="afterok:$sweep_id" --chdir="$work" --output="$logs/merge-%j.out" \
    "$here/merge.sbatch" "$shards" "$merged" "$name")" || { show_logs; die "merge job failed"; }
end "merge (job $merge_id)"

# ---- 5. compare ----------------------------------------------------------
begin "diff -r ref merged"
[[ -d "$merged/$name" ]] || die "merge wrote no $merged/$name"
diff -r "$ref/$name" "$merged/$name" || die "sharded+merged results differ from the unsharded run"
end "diff"

echo "== timings"
printf '   %s\n' "${timings[@]}"
ok=1
echo "check.sh: OK: sharded ($shards_n tasks) + merged == unsharded for $name"

#!/usr/bin/env bash
# The batch/ job scripts on a real SLURM cluster: starts a one-node cluster on this machine
# (scripts/slurm-local.sh, in a temporary folder), submits each job script with sbatch at
# sizes that take a second or two, waits for the jobs, checks their states, exit codes and
# results, and always takes the cluster down again.
#
#   1. batch/thread-sweep.sbatch as a job array (dot at 1, 2 and 3 threads, one task each),
#      and a job array written by scripts/make-batch.sh (expsum at 1 and 2 threads);
#   2. batch/report.sbatch, submitted with --dependency=afterok on both arrays: one report
#      over their folders, in which each array's tasks must merge into one thread sweep;
#   3. batch/hybrid.sbatch: 2 ranks x 1 thread under srun --mpi=pmix (build/ompsweep-mpi, or
#      when it is not built, the plain program once per rank);
#   4. batch/study.sbatch with a small study program (tests/slurm/mini-study.sh): the full
#      study takes minutes;
#   5. an array whose range does not match its thread list: its extra task must fail with
#      exit code 2 and say why.
#
# Needs root (the daemons), Debian's slurm-wlm and munge, and a built build/ompsweep.
# Without root it says so and exits 0 (skipped). Takes about 20 s on 2 cores.
# Usage: tests/slurm/run.sh [--keep]   (--keep: leave the work folder for inspection)
# Exit codes: 0 passed or skipped, 1 a check failed (the job logs are printed), 2 usage.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

keep=0
case ${1:-} in
  '') ;;
  --keep) keep=1 ;;
  *) echo "slurm test: unknown argument '$1' (usage: tests/slurm/run.sh [--keep])" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm test: skipped: it starts munged, slurmctld and slurmd, which needs root" >&2
  exit 0
fi
[ -x build/ompsweep ] || { echo "slurm test: build/ompsweep is missing: run make first" >&2; exit 1; }
for c in sbatch squeue scontrol slurmctld slurmd munged python3; do
  command -v "$c" >/dev/null 2>&1 ||
    { echo "slurm test: '$c' is missing (scripts/deps.sh installs slurm-wlm and munge)" >&2; exit 1; }
done

start=$SECONDS
work=$(mktemp -d /tmp/ompsweep-slurm-test.XXXXXX)
export OMPSWEEP_SLURM_DIR=$work/cluster
failures=0

fail() {
  echo "slurm test: FAILED: $*" >&2
  failures=$((failures + 1))
}

show_logs() {
  local f
  for f in "$work"/logs/*.out; do
    [ -f "$f" ] || continue
    echo "===== $f" >&2
    tail -n 40 "$f" >&2
  done
  for f in "$OMPSWEEP_SLURM_DIR"/log/*.log; do
    [ -f "$f" ] || continue
    echo "===== $f" >&2
    tail -n 20 "$f" >&2
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" -ne 0 ] || [ "$failures" -ne 0 ]; then show_logs; fi
  scripts/slurm-local.sh stop >/dev/null 2>&1 ||
    echo "slurm test: warning: the cluster did not stop cleanly" >&2
  if [ "$keep" -eq 1 ]; then
    echo "slurm test: work folder kept: $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free pair of ports, so a cluster someone already runs here is left alone.
port=${OMPSWEEP_SLURM_PORT:-}
if [ -z "$port" ]; then
  for p in 6817 16817 26817 36817; do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null &&
      ! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null; then
      port=$p
      break
    fi
  done
  [ -n "$port" ] || { echo "slurm test: no free port pair for slurmctld and slurmd" >&2; exit 1; }
fi
export OMPSWEEP_SLURM_PORT=$port

scripts/slurm-local.sh start >/dev/null
eval "$(scripts/slurm-local.sh env)"
echo "slurm test: cluster up in $((SECONDS - start)) s ($(sinfo -h -o '%c CPUs'), port $port)" >&2

# ---- submit -----------------------------------------------------------------------------------

mkdir -p "$work/logs" "$work/sweeps" "$work/other"
# Every job: the repository as OMPSWEEP_DIR, the work folder as working folder (the default
# job logs land there), a time limit so that nothing hangs the test.
submit() { # submit OUT [sbatch options] SCRIPT [ARGS]: prints the job id
  local out=$1
  shift
  sbatch --parsable --time=5 --chdir="$work/logs" \
    --export="ALL,OMPSWEEP_DIR=$repo,OMPSWEEP_OUT=$out" "$@" | cut -d';' -f1
}
quick=(--size 200k --precision 0 --samples 3 --min-time 5ms --quiet)

dot=$(submit "$work/sweeps" --array=0-2 batch/thread-sweep.sbatch dot 1,2,3 "${quick[@]}")
scripts/make-batch.sh --kernel expsum --threads 1-2 --size 200k --partition local --time 5 \
  --name made-by-make-batch -o "$work/expsum.sbatch" -- --precision 0 --samples 3 --min-time 5ms --quiet \
  2>/dev/null
made=$(submit "$work/sweeps" "$work/expsum.sbatch")
report=$(submit "$work/sweeps" --dependency="afterok:$dot:$made" batch/report.sbatch \
  "$work/sweeps")

mpi=build/ompsweep-mpi
[ -x "$mpi" ] || mpi=build/ompsweep
hybrid=$(submit "$work/other" --ntasks=2 --cpus-per-task=1 \
  --export="ALL,OMPSWEEP_DIR=$repo,OMPSWEEP_OUT=$work/other,OMPSWEEP_MPI=$repo/$mpi" \
  batch/hybrid.sbatch dot "${quick[@]}")
study=$(submit "$work/other" \
  --export="ALL,OMPSWEEP_DIR=$repo,OMPSWEEP_OUT=$work/other,OMPSWEEP_STUDY=$repo/tests/slurm/mini-study.sh" \
  batch/study.sbatch)
bad=$(submit "$work/bad" --array=0-1 batch/thread-sweep.sbatch dot 1 "${quick[@]}")
echo "slurm test: submitted arrays $dot (dot) and $made (expsum, make-batch), report $report," \
  "hybrid $hybrid ($mpi), study $study, bad array $bad" >&2

# ---- wait -------------------------------------------------------------------------------------

ids="$dot,$made,$report,$hybrid,$study,$bad"
waited=0
while [ -n "$(squeue -h -j "$ids" -o %i 2>/dev/null)" ]; do
  waited=$((waited + 1))
  if [ "$waited" -gt 1200 ]; then # 120 s
    fail "jobs still queued or running after 120 s:"
    squeue >&2
    exit 1
  fi
  sleep 0.1
done
echo "slurm test: all jobs done $((SECONDS - start)) s after the start" >&2

# JobState and ExitCode of a job (every task of an array), as "STATE EXIT" lines.
states() {
  scontrol -o show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*ExitCode=\([0-9:]*\).*/\1 \2/p'
}
expect_completed() { # expect_completed ID WHAT TASKS
  local s n
  s=$(states "$1")
  n=$(grep -c '^COMPLETED 0:0$' <<<"$s" || true)
  [ "$n" -eq "$3" ] || fail "$2 (job $1): $n of $3 tasks COMPLETED with exit 0; states: $(tr '\n' ' ' <<<"$s")"
}
expect_completed "$dot" "thread-sweep array" 3
expect_completed "$made" "make-batch array" 2
expect_completed "$report" "report job" 1
expect_completed "$hybrid" "hybrid job" 1
expect_completed "$study" "study job" 1
bad_states=$(states "$bad" | sort | tr '\n' ' ')
[ "$bad_states" = "COMPLETED 0:0 FAILED 2:0 " ] ||
  fail "bad array (job $bad): expected one task COMPLETED 0:0 and one FAILED 2:0, got: $bad_states"
grep -q "array task 1 has no thread count" "$work/logs/ompsweep-threads-${bad}_1.out" ||
  fail "the failed task's log does not say why"
grep -q "JobId=$study .*JobState=COMPLETED" "$OMPSWEEP_SLURM_DIR/jobcomp.log" 2>/dev/null ||
  fail "no COMPLETED record of job $study in jobcomp.log"

# ---- results ----------------------------------------------------------------------------------

python3 - "$work" "$dot" "$made" "$hybrid" "$study" "$mpi" <<'EOF' || fail "results (above)"
import csv, glob, json, os, re, sys

work, dot, made, hybrid, study, mpi = sys.argv[1:]
problems = []

def check(ok, what):
    if not ok:
        problems.append(what)

def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))

def array_files(job, kernel, counts):
    """One CSV + JSON per task, named by task, threads, its own job id, host and rank."""
    folder = f"{work}/sweeps/threads-{job}"
    csvs = sorted(glob.glob(f"{folder}/*.csv"))
    check(len(csvs) == len(counts), f"{folder}: {len(csvs)} CSVs, expected {len(counts)}")
    jobids = set()
    checksums = {}
    for path in csvs:
        name = os.path.basename(path)
        m = re.fullmatch(rf"run-{kernel}-a(\d+)-t(\d+)-(\d+)-(.+)-r0\.csv", name)
        if not m:
            problems.append(f"{name}: not named run-{kernel}-a<task>-t<threads>-<job>-<host>-r0")
            continue
        task, threads, jobid = int(m[1]), int(m[2]), m[3]
        check(counts[task] == threads, f"{name}: task {task} should run {counts[task]} threads")
        jobids.add(jobid)
        with open(path[:-4] + ".json") as f:
            ctx = json.load(f)["context"]
        check(ctx.get("slurm_job_id") == jobid, f"{name}: context job id {ctx.get('slurm_job_id')}")
        check(ctx.get("slurm_array_task_id") == str(task),
              f"{name}: context array task {ctx.get('slurm_array_task_id')}")
        rs = rows(path)
        variants = {(r["variant"], int(r["threads"])) for r in rs}
        check(("ref", 1) in variants, f"{name}: no reference row")
        check(("omp", threads) in variants, f"{name}: no omp row at {threads} threads")
        for r in rs:
            check(r["validated"] == "yes", f"{name}: {r['variant']} at {r['threads']} not validated")
            check(float(r["median_s"]) > 0, f"{name}: {r['variant']}: no time")
            checksums.setdefault(r["variant"], set()).add(r["checksum"])
    check(len(jobids) == len(counts), f"{folder}: job ids {sorted(jobids)} are not one per task")
    # The deterministic reduction: the same bits at every thread count, in every task.
    check(len(checksums.get("omp", ())) == 1, f"{kernel} omp checksums differ: {checksums.get('omp')}")
    return checksums

dot_sums = array_files(dot, "dot", [1, 2, 3])
array_files(made, "expsum", [1, 2])

# One report over both arrays: each kernel's tasks merge into one sweep (speedups need the
# 1-thread task's time, and each task's own file has only one thread count above 1).
md = open(f"{work}/sweeps/report.md").read()
for kernel, counts in (("dot", [2, 3]), ("expsum", [2])):
    sec = re.search(rf"### {kernel}, size 200k.*?(?=\n### |\n## |\Z)", md, re.S)
    if not sec:
        problems.append(f"report: no thread sweep section for {kernel}")
        continue
    sec = sec[0]
    check("| omp | schedule static" in sec, f"report: {kernel}: no omp line in the fit table")
    for p in counts:
        check(re.search(rf"^\| {p}( \*)? \|", sec, re.M),
              f"report: {kernel}: no Karp-Flatt row for {p} threads (tasks not merged)")
    check(f"sweep-{kernel}-200k-speedup.svg" in sec, f"report: {kernel}: no speedup plot")
    check(os.path.getsize(f"{work}/sweeps/plots/sweep-{kernel}-200k-speedup.svg") > 100,
          f"report: {kernel}: empty speedup plot")

# Hybrid: with the MPI program rank 0 writes one file with the ranks; with the plain program
# each rank measures on its own and writes its own file (the %r in the name keeps them apart).
folder = f"{work}/other/hybrid-{hybrid}"
csvs = sorted(glob.glob(f"{folder}/*.csv"))
if mpi.endswith("ompsweep-mpi"):
    check(len(csvs) == 1, f"{folder}: {len(csvs)} CSVs, expected 1 (rank 0 writes)")
    for path in csvs:
        check(path.endswith("-r0.csv"), f"{path}: not rank 0's")
        for r in rows(path):
            check(r.get("ranks") == "2", f"{path}: ranks {r.get('ranks')}, expected 2")
            check(r.get("threads_per_rank") == "1", f"{path}: threads_per_rank {r.get('threads_per_rank')}")
            check(r["validated"] == "yes", f"{path}: {r['variant']} not validated")
            # Split over 2 ranks, the deterministic sum has the single process's bits.
            if r["variant"] == "omp":
                check({r["checksum"]} == dot_sums.get("omp"),
                      f"{path}: omp checksum {r['checksum']} under srun, {dot_sums.get('omp')} in one process")
        with open(path[:-4] + ".json") as f:
            ctx = json.load(f)["context"]
        check(ctx.get("mpi_ranks") == 2, f"{path}: context mpi_ranks {ctx.get('mpi_ranks')}")
        placed = [r.get("cpus") for r in ctx.get("ranks", [])]
        check(len(placed) == 2 and ctx.get("ranks_share_cpus") is False,
              f"{path}: ranks not on cores of their own (srun --cpu-bind=cores): {ctx.get('ranks')}")
else:
    check(len(csvs) == 2, f"{folder}: {len(csvs)} CSVs, expected one per rank")
    for rank, path in enumerate(csvs):
        check(path.endswith(f"-r{rank}.csv"), f"{path}: expected rank {rank}'s file")
        with open(path[:-4] + ".json") as f:
            ctx = json.load(f)["context"]
        check(ctx.get("mpi_rank") == rank, f"{path}: context rank {ctx.get('mpi_rank')}")
        check(ctx.get("omp_max_threads") == 1, f"{path}: OMP_NUM_THREADS not from --cpus-per-task")
        for r in rows(path):
            check(r["validated"] == "yes", f"{path}: {r['variant']} not validated")

# Study: its folder holds the study's results and the report written at its end.
folders = glob.glob(f"{work}/other/study-{study}-*")
check(len(folders) == 1, f"study: {len(folders)} folders study-{study}-*, expected 1")
for folder in folders:
    for k in ("expsum", "stream_triad"):
        check(os.path.exists(f"{folder}/run-{k}.csv"), f"study: no run-{k}.csv")
    md = open(f"{folder}/report.md").read() if os.path.exists(f"{folder}/report.md") else ""
    check("### expsum, size 100k" in md and "### stream_triad, size 100k" in md,
          "study: report.md lacks the expsum and stream_triad sweeps")

for p in problems:
    print("slurm test:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF

if [ "$failures" -gt 0 ]; then
  echo "slurm test: $failures check(s) failed ($((SECONDS - start)) s)" >&2
  exit 1
fi
echo "slurm test: passed: 3 job scripts, a generated one, a dependent report and a failing" \
  "array on a one-node cluster ($mpi for the hybrid run) in $((SECONDS - start)) s" >&2

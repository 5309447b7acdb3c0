#!/usr/bin/env bash
# Writes a SLURM job script for one chosen sweep: the #SBATCH lines for it (array range,
# partition, time limit, nodes, tasks, CPUs) followed by a call of the matching generic script
# in batch/ with its arguments, so the job is a file to keep, read and submit as it is.
#
# Usage: scripts/make-batch.sh [options] [-- RUN OPTIONS...]
#   --kind K           array (a thread sweep, one array task per thread count; default),
#                      hybrid (MPI ranks x OpenMP threads under srun) or study (scripts/run.sh)
#   --kernel NAME      the kernel (default dot; array and hybrid)
#   --threads LIST     array: the thread counts, e.g. 1,2,4,8 or 1-16 (default 1,2,4,8)
#   --size LIST        the sizes (ompsweep run --size), e.g. 10M or 1M,100M
#   --nodes N          hybrid: nodes (default 1)
#   --ntasks N         hybrid: MPI ranks (default 2)
#   --cpus-per-task N  hybrid: OpenMP threads per rank (default 2)
#   --partition NAME   the partition (default: the cluster's default)
#   --account NAME     the account to charge (default: yours)
#   --time LIMIT       time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS
#                      (default 15:00, study 1:00:00)
#   --name NAME        the job name (default ompsweep-threads, -hybrid or -study)
#   --out DIR          where results go (OMPSWEEP_OUT; default results/slurm in the checkout)
#   -o, --output FILE  write the job script there (default: standard output)
#   -- RUN OPTIONS     passed on to `ompsweep run` (array, hybrid), e.g. -- --variant omp
#
# e.g.  scripts/make-batch.sh --threads 1-8 --size 10M --partition short -o dot.sbatch
#       sbatch dot.sbatch
# Exit codes: 0 written, 1 the file could not be written, 2 a usage error (named).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
original_args=("$@")

usage_error() {
  echo "make-batch: $*" >&2
  echo "make-batch: see scripts/make-batch.sh --help" >&2
  exit 2
}

kind=array kernel=dot threads=1,2,4,8 size='' nodes=1 ntasks=2 cpt=2 partition='' account=''
time_limit='' name='' outdir='' output=''
run_args=()
given=() # the options given, to refuse those the kind does not use

need() { # need OPTION COUNT: the option has its value
  [ "$2" -ge 2 ] || usage_error "$1 needs a value"
}

while [ $# -gt 0 ]; do
  case $1 in --*) given+=("$1") ;; esac
  case $1 in
    --kind) need "$1" $#; kind=$2; shift 2 ;;
    --kernel) need "$1" $#; kernel=$2; shift 2 ;;
    --threads) need "$1" $#; threads=$2; shift 2 ;;
    --size) need "$1" $#; size=$2; shift 2 ;;
    --nodes) need "$1" $#; nodes=$2; shift 2 ;;
    --ntasks) need "$1" $#; ntasks=$2; shift 2 ;;
    --cpus-per-task) need "$1" $#; cpt=$2; shift 2 ;;
    --partition) need "$1" $#; partition=$2; shift 2 ;;
    --account) need "$1" $#; account=$2; shift 2 ;;
    --time) need "$1" $#; time_limit=$2; shift 2 ;;
    --name) need "$1" $#; name=$2; shift 2 ;;
    --out) need "$1" $#; outdir=$2; shift 2 ;;
    -o | --output) need "$1" $#; output=$2; shift 2 ;;
    --) shift; run_args=("$@"); break ;;
    -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done

# ---- checks: each names the argument that is wrong ------------------------------------------

positive() { [[ $1 =~ ^[0-9]+$ ]] && [ "$((10#$1))" -ge 1 ]; }
word() { [[ $1 =~ ^[A-Za-z0-9_.+-]+$ ]]; }

case $kind in
  array) unused="--nodes --ntasks --cpus-per-task" ;;
  hybrid) unused="--threads" ;;
  study) unused="--kernel --threads --size --nodes --ntasks --cpus-per-task" ;;
  *) usage_error "--kind: '$kind' is not array, hybrid or study" ;;
esac
for opt in "${given[@]}"; do
  case " $unused " in
    *" $opt "*) usage_error "$opt: not used by --kind $kind" ;;
  esac
done
word "$kernel" || usage_error "--kernel: '$kernel' is not a kernel name"
if [ "$kind" != study ] && [ -x "$here/build/ompsweep" ] &&
  ! "$here/build/ompsweep" list "$kernel" >/dev/null 2>&1; then
  usage_error "--kernel: unknown kernel '$kernel' (build/ompsweep list shows them)"
fi

# The thread counts, expanded: the array has one task per count.
counts=()
IFS=, read -r -a items <<<"$threads"
[ ${#items[@]} -gt 0 ] || usage_error "--threads: empty list"
for item in "${items[@]}"; do
  if [[ $item =~ ^([0-9]+)-([0-9]+)$ ]] && [ "$((10#${BASH_REMATCH[1]}))" -ge 1 ] &&
    [ "$((10#${BASH_REMATCH[1]}))" -le "$((10#${BASH_REMATCH[2]}))" ]; then
    for ((t = 10#${BASH_REMATCH[1]}; t <= 10#${BASH_REMATCH[2]}; t++)); do counts+=("$t"); done
  elif positive "$item"; then
    counts+=("$((10#$item))")
  else
    usage_error "--threads: '$item' in '$threads' is not a thread count or a range like 1-8"
  fi
done
if [ "$kind" = array ] && [[ " ${counts[*]} " != *" 1 "* ]]; then
  echo "make-batch: warning: --threads has no 1: the report's speedups need the 1-thread task" >&2
fi
if [ -n "$size" ] && ! [[ $size =~ ^[0-9]+(\.[0-9]+)?[kMG]?(,[0-9]+(\.[0-9]+)?[kMG]?)*$ ]]; then
  usage_error "--size: '$size' is not a list of sizes like 10M or 100k,1M"
fi
positive "$nodes" || usage_error "--nodes: '$nodes' is not a positive whole number"
positive "$ntasks" || usage_error "--ntasks: '$ntasks' is not a positive whole number"
positive "$cpt" || usage_error "--cpus-per-task: '$cpt' is not a positive whole number"
[ -z "$partition" ] || word "$partition" || usage_error "--partition: '$partition' is not a partition name"
[ -z "$account" ] || word "$account" || usage_error "--account: '$account' is not an account name"
[ -z "$name" ] || word "$name" || usage_error "--name: '$name' has characters a job name should not"
if [ -n "$time_limit" ] &&
  ! [[ $time_limit =~ ^([0-9]+|[0-9]+:[0-9]{1,2}|[0-9]+:[0-9]{1,2}:[0-9]{1,2}|[0-9]+-[0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2})?)?)$ ]]; then
  usage_error "--time: '$time_limit' is not MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS"
fi
if [ "$kind" = study ] && [ ${#run_args[@]} -gt 0 ]; then
  usage_error "-- RUN OPTIONS: a study takes none (it runs scripts/run.sh)"
fi
[ -n "$time_limit" ] || time_limit=$([ "$kind" = study ] && echo 1:00:00 || echo 15:00)
if [ -z "$name" ]; then
  case $kind in array) name=ompsweep-threads ;; *) name=ompsweep-$kind ;; esac
fi
case $outdir in '' | /*) ;; *) outdir="$PWD/$outdir" ;; esac

# ---- the job script ---------------------------------------------------------------------------

args=() # the generic script's arguments
case $kind in
  array)
    script=thread-sweep.sbatch
    args=("$kernel" "$(IFS=,; echo "${counts[*]}")")
    ;;
  hybrid)
    script=hybrid.sbatch
    args=("$kernel")
    ;;
  study) script=study.sbatch ;;
esac
[ -z "$size" ] || [ "$kind" = study ] || args+=(--size "$size")
args+=("${run_args[@]}")

quote() { # words as a shell reads them back, plain where that is safe
  local w
  for w in "$@"; do
    if [[ $w =~ ^[A-Za-z0-9_.,:=+/%-]+$ ]]; then printf ' %s' "$w"; else printf ' %q' "$w"; fi
  done
}

# shellcheck disable=SC2016 # the $ lines are expanded by the job, not here
emit() {
  echo "#!/usr/bin/env bash"
  echo "# ompsweep $kind job, written by scripts/make-batch.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ):"
  echo "#   scripts/make-batch.sh$(quote "${original_args[@]}")"
  echo "# Submit with: sbatch FILE (options given to sbatch override the lines below)."
  echo "# It runs batch/$script of the checkout below; see that file for what it does."
  echo "#SBATCH --job-name=$name"
  echo "#SBATCH --time=$time_limit"
  [ -z "$partition" ] || echo "#SBATCH --partition=$partition"
  [ -z "$account" ] || echo "#SBATCH --account=$account"
  case $kind in
    array)
      echo "#SBATCH --array=0-$((${#counts[@]} - 1))"
      echo "#SBATCH --nodes=1"
      echo "#SBATCH --ntasks=1"
      echo "#SBATCH --exclusive"
      echo "#SBATCH --output=%x-%A_%a.out"
      ;;
    hybrid)
      echo "#SBATCH --nodes=$nodes"
      echo "#SBATCH --ntasks=$ntasks"
      echo "#SBATCH --cpus-per-task=$cpt"
      echo "#SBATCH --output=%x-%j.out"
      ;;
    study)
      echo "#SBATCH --nodes=1"
      echo "#SBATCH --ntasks=1"
      echo "#SBATCH --exclusive"
      echo "#SBATCH --output=%x-%j.out"
      ;;
  esac
  echo "set -euo pipefail"
  printf 'export OMPSWEEP_DIR=${OMPSWEEP_DIR:-%q}\n' "$here"
  [ -z "$outdir" ] || printf 'export OMPSWEEP_OUT=${OMPSWEEP_OUT:-%q}\n' "$outdir"
  echo "exec bash \"\$OMPSWEEP_DIR/batch/$script\"$(quote "${args[@]}")"
}

if [ -z "$output" ]; then
  emit
  exit 0
fi
dir=$(dirname "$output")
[ -d "$dir" ] || { echo "make-batch: -o: no folder '$dir'" >&2; exit 1; }
tmp=$(mktemp "$output.tmp.XXXXXX") || { echo "make-batch: -o: cannot write in '$dir'" >&2; exit 1; }
trap 'rm -f "$tmp"' EXIT
emit >"$tmp" || { echo "make-batch: -o: cannot write '$output'" >&2; exit 1; }
chmod 0755 "$tmp"
mv "$tmp" "$output"
trap - EXIT
echo "make-batch: wrote $output (submit with: sbatch $output)" >&2

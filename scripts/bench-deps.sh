#!/usr/bin/env bash
# What the serving benchmarks (benchmarks/serving.py) need beside the project's .venv:
#   - wrk, the load generator, from Debian's packages (installed with apt-get if missing);
#   - MLflow in its own virtual environment, .build/mlflow, from PyPI (what the benchmark
#     compares T-Minus with; never installed into the project's .venv), with what the served
#     model's tminus code needs beyond MLflow's own numpy and scipy (rapidfuzz, pinned as in
#     pyproject.toml).
# Idempotent: does nothing when both are there at the pinned range. Fails with apt's or pip's
# last lines when an install fails.
set -euo pipefail
cd "$(dirname "$0")/.."

python="${PYTHON:-python3}"
mlflow_venv=.build/mlflow
mlflow_spec='mlflow>=3.17,<4'
# The prediction path's one import MLflow does not bring, at the range pyproject.toml pins.
tminus_spec="$("$python" - <<'PY'
import tomllib

with open("pyproject.toml", "rb") as f:
    deps = tomllib.load(f)["project"]["dependencies"]
print(next(d for d in deps if d.startswith("rapidfuzz")))
PY
)"
say() { echo "bench-deps: $*" >&2; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if ! command -v wrk >/dev/null 2>&1; then
    sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        sudo -n true 2>/dev/null || { say "error: wrk is missing and installing it needs root: run 'sudo scripts/bench-deps.sh'"; exit 1; }
        sudo=(sudo -n)
    fi
    say "installing wrk with apt-get"
    if ! { "${sudo[@]}" apt-get update -qq </dev/null \
            && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk </dev/null; } \
            >"$log" 2>&1; then
        say "error: apt-get could not install wrk; its last lines:"
        tail -n 20 "$log" >&2
        exit 1
    fi
fi

if [[ "$(cat "$mlflow_venv/.installed" 2>/dev/null)" != "$mlflow_spec $tminus_spec" ]]; then
    say "installing $mlflow_spec and $tminus_spec into $mlflow_venv (about a minute)"
    rm -rf "$mlflow_venv"
    if ! { "$python" -m venv "$mlflow_venv" \
            && "$mlflow_venv/bin/python" -m pip install --quiet --upgrade pip \
            && "$mlflow_venv/bin/python" -m pip install --quiet "$mlflow_spec" "$tminus_spec"; } \
            >"$log" 2>&1; then
        say "error: could not install MLflow; pip's last lines:"
        tail -n 20 "$log" >&2
        exit 1
    fi
    echo "$mlflow_spec $tminus_spec" >"$mlflow_venv/.installed"
fi
say "wrk and $("$mlflow_venv/bin/python" -c 'import mlflow; print("MLflow", mlflow.__version__)') ready"

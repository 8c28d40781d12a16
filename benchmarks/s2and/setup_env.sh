#!/usr/bin/env bash
# Build the isolated S2AND environment used by benchmarks/compare.py.
#
#   bash benchmarks/s2and/setup_env.sh [VENV_DIR]
#
# torch is installed FIRST from the pinned CPU wheel so that s2and's dependency
# resolution never pulls CUDA packages. s2and-rust is optional (installed if a
# wheel is available). Versions are written to VENV_DIR/versions.json.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${1:-$HERE/../.venv-s2and}"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
S2AND_VERSION="${S2AND_VERSION:-0.51.2}"
TORCH_VERSION="${TORCH_VERSION:-2.13.0}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip wheel setuptools || true
"$VENV/bin/python" -m pip install "torch==$TORCH_VERSION"
"$VENV/bin/python" -m pip install "s2and==$S2AND_VERSION"
"$VENV/bin/python" -m pip install s2and-rust || echo "s2and-rust not installed (optional)"
# psutil for peak-RSS bookkeeping inside run_s2and.py (stdlib resource is the fallback)
"$VENV/bin/python" -m pip install psutil || true
"$VENV/bin/python" - "$VENV/versions.json" <<'PYEOF'
import json, sys, platform
from importlib import metadata
out = {"python": platform.python_version()}
for name in ("s2and", "s2and-rust", "s2and_rust", "torch", "lightgbm", "scikit-learn", "numpy", "hdbscan", "fasttext"):
    try:
        out[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        pass
json.dump(out, open(sys.argv[1], "w"), indent=1, sort_keys=True)
print(json.dumps(out))
PYEOF
touch "$VENV/.complete"
echo "S2AND venv ready: $VENV"

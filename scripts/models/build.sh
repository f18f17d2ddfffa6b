#!/usr/bin/env bash
# Rebuilds models/product-forge/sentiment-en-zh from ../shared/datasets (or $PF_DATASETS):
# trains (seeded, about 27 min on 2 idle CPU cores: skip-gram word vectors, then the classifier), calibrates, exports ONNX, writes the model card and
# models/manifest.json, then checks in Node that transformers.js reproduces the PyTorch tokens and probabilities.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PF_PYTHON:-/usr/bin/python3}"
if [ ! -x "$PY" ]; then PY="$(command -v python3 || true)"; fi
if [ -z "$PY" ] || ! "$PY" -c 'import torch, numpy, onnx' 2>/dev/null; then
  echo "error: $PY cannot import torch, numpy and onnx." >&2
  echo "Install Debian's packages:  sudo apt-get install python3-torch python3-numpy python3-onnx" >&2
  echo "(or point PF_PYTHON at a python3 that has torch>=1.13, numpy and onnx)" >&2
  exit 1
fi
DS="${PF_DATASETS:-../shared/datasets}"
if [ ! -d "$DS" ]; then
  echo "error: datasets folder '$DS' not found. Put the shared datasets at ../shared/datasets or set PF_DATASETS." >&2
  exit 1
fi
if [ "${1:-}" = "--mpqa-cv" ]; then  # npm run models:cv: MPQA 10-fold cross-validation of this recipe (no export)
  shift
  exec "$PY" scripts/models/mpqa_cv.py "$@"
fi
export PF_BUILD_DIR="${PF_BUILD_DIR:-$(mktemp -d -t pf-sentiment-XXXXXX)}"
"$PY" scripts/models/train_sentiment.py
"$PY" scripts/models/write_manifest.py
node scripts/models/check_parity.cjs "$PF_BUILD_DIR/parity_reference.json"

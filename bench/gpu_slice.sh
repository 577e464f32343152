#!/usr/bin/env bash
# One slice of GPU time as one command: bench/gpu_slice.py (environment, throughput probe, time to 94%, a time-boxed
# slice of Table 1) with everything it writes under OUT. Usage: bench/gpu_slice.sh OUT [gpu_slice.py options]
#   --dry-run runs every stage at toy size on a CPU (tests/test_bench.py does).
# On a machine whose Python lacks fastai & co. (this workplace's device image), put their wheels in .whl/; where
# the data cannot be downloaded and $SUPERCONV_ARCHIVES is unset, put fastai-layout archive parts (*.tar.gz holding
# cifar10/...) in .gpudata/: they are extracted into $FASTAI_HOME/data (default /tmp/fastai).
set -uo pipefail
OUT=${1:?usage: bench/gpu_slice.sh OUT [gpu_slice.py options]}; shift
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! $PY -c "import fastai" 2>/dev/null && ls .whl/*.whl >/dev/null 2>&1; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
fi
[ -d /tmp/site ] && export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore
if [ -z "${SUPERCONV_ARCHIVES:-}" ] && ls .gpudata/*.tar.gz >/dev/null 2>&1; then
  export FASTAI_HOME=${FASTAI_HOME:-/tmp/fastai}; mkdir -p "$FASTAI_HOME/data"
  for f in .gpudata/*.tar.gz; do tar xzf "$f" -C "$FASTAI_HOME/data" || exit 1; done
fi
mkdir -p "$OUT"
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || echo "no nvidia-smi here" > "$OUT/nvidia-smi.txt"
exec $PY bench/gpu_slice.py --out "$OUT" "$@"

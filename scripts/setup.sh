#!/usr/bin/env bash
# Creates .venv and installs the pinned requirements. Everything the product needs comes from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements-dev.txt

# llama-cpp-python compiles llama.cpp. The default build targets this exact CPU (AMX) and segfaults in this VM,
# so build a portable wheel once, keep it outside the repo, and reuse it (about 5 minutes the first time).
LLAMA_VERSION=$(sed -n 's/^llama-cpp-python\(\[server\]\)\{0,1\}==//p' requirements-llm.txt)
WHEELS="${STUDIO_WHEELS:-$HOME/.cache/studio-wheels}/portable-avx2"
if ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
  if ! ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
    echo "setup: building llama-cpp-python $LLAMA_VERSION (portable CPU flags; ~5 min, once per machine)"
    mkdir -p "$WHEELS"
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON" \
      .venv/bin/python -m pip wheel --quiet --no-cache-dir --no-deps -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION"
  fi
  .venv/bin/python -m pip install --quiet "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl
fi
.venv/bin/python -m pip install --quiet -r requirements-llm.txt
echo "setup: .venv ready"

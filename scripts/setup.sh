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

# The PDF documents (publish): WeasyPrint, from PyPI, draws text with the system's Pango. Debian packages, installed
# when missing (as root, or with sudo); elsewhere, install Pango >= 1.44 yourself. Without them publish still writes
# the site and the DOCX, and says which package is missing.
pango=()
ls /usr/lib/*/libpango-1.0.so.0 >/dev/null 2>&1 || pango+=(libpango-1.0-0)
ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1 || pango+=(libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || pango+=(fonts-dejavu-core)
ls /usr/lib/*/libcairo.so.2 >/dev/null 2>&1 || pango+=(libcairo2)  # the barometer report's charts (cairosvg)
if [ "${#pango[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    echo "setup: installing ${pango[*]} for the PDF documents (apt-get)"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pango[@]}" >/dev/null
  else
    echo "setup: no apt-get here: install ${pango[*]} (Pango) for the PDF documents"
  fi
fi

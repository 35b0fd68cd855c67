#!/usr/bin/env bash
# Reproduces the benchmark tables of docs/BENCHMARKS.md in one run:
#   benches/run.sh [xtask bench options, e.g. --sizes 100,1000 --extract-docs 100]
# Installs the reference tools when missing, builds shnor (release) once, generates the
# synthetic corpora (cached in target/bench), then measures shnor and the reference tools side
# by side. The report is printed and written to target/bench/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v pdfinfo >/dev/null || need+=(poppler-utils)
command -v pandoc >/dev/null || need+=(pandoc)
[ -x /usr/bin/time ] || need+=(time)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
    echo "[bench] installing ${need[*]}" >&2
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -q >&2
    $sudo_cmd apt-get install -y -q "${need[@]}" >&2
fi

echo "[bench] building shnor (release)" >&2
cargo build --release --quiet --bin shnor
if [ -f examples/search_bench.rs ]; then
    cargo build --release --quiet --example search_bench
fi
echo "[bench] building xtask (release)" >&2
# xtask is its own workspace with its own target dir, whatever CARGO_TARGET_DIR says for shnor.
(unset CARGO_TARGET_DIR; cargo build --release --quiet --manifest-path xtask/Cargo.toml)

tgt="${CARGO_TARGET_DIR:-target}"
mkdir -p target/bench
exec xtask/target/release/xtask bench --report target/bench/report.md \
    --shnor "$tgt/release/shnor" --search-bench "$tgt/release/examples/search_bench" "$@"

#!/usr/bin/env bash
# Review throughput and memory: copies the sample documents to N files, runs
# `shnor review` under /usr/bin/time -v, and prints docs/s and peak RSS for each N.
# Usage: benches/review_throughput.sh [SAMPLES_DIR] [COUNTS...]   (default: corpus-samples/files 100 1000)
# Needs a release build (cargo build --release; BIN=path overrides); the script does not build.
set -euo pipefail
cd "$(dirname "$0")/.."
samples="${1:-corpus-samples/files}"
shift || true
counts=("${@:-100 1000}")
read -r -a counts <<<"${counts[*]}"
bin="${BIN:-target/release/shnor}"
jobs="${JOBS:-2}"
formats="${FORMATS:-html,docx,json}"
[ -x "$bin" ] || { echo "no $bin: run cargo build --release first" >&2; exit 2; }
[ -d "$samples" ] || { echo "no samples folder $samples" >&2; exit 2; }
mapfile -t files < <(find "$samples" -type f \( -name '*.docx' -o -name '*.pdf' -o -name '*.odt' -o -name '*.rtf' -o -name '*.txt' \) | sort)
[ "${#files[@]}" -gt 0 ] || { echo "no documents in $samples" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%-8s %-8s %-10s %-10s %-12s %s\n' docs jobs seconds docs/s peak_RSS_MB exit
for n in "${counts[@]}"; do
  in="$work/in-$n"; out="$work/out-$n"; mkdir -p "$in"
  for ((i = 0; i < n; i++)); do
    f="${files[$((i % ${#files[@]}))]}"
    # distinct bytes per copy so the resume manifest cannot skip anything
    ext="${f##*.}"
    cp "$f" "$in/doc_$(printf '%05d' "$i").$ext"
    if [ "$ext" = txt ]; then printf '\n%d\n' "$i" >>"$in/doc_$(printf '%05d' "$i").$ext"; fi
  done
  set +e
  /usr/bin/time -v "$bin" review "$in" --out "$out" --jobs "$jobs" --format "$formats" \
    >"$work/stdout-$n" 2>"$work/time-$n"
  code=$?
  set -e
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time-$n")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$work/time-$n")
  rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "inf" }')
  printf '%-8s %-8s %-10s %-10s %-12s %s\n' "$n" "$jobs" "$secs" "$rate" "$rss" "$code"
done

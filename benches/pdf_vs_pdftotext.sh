#!/usr/bin/env bash
# PDF text extraction benchmark: `shnor extract --format text` (release build, one process for
# the whole set, PDFs parsed in its worker) against `pdftotext` (one process per file, as it
# is used) on the same text PDFs, measured in one run. Prints both times and the ratio.
#
# Set: every PDF of ../shared/realfiles whose pdftotext reference succeeded with text
# (REFERENCE.tsv exit 0, chars > 0), plus tests/fixtures/pdf/*.pdf.
# Usage: bash benches/pdf_vs_pdftotext.sh [ROUNDS]   (default 5; best round counts)
# SHNOR_CMD overrides the command under test (default: target/release/shnor extract --format text).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
corpus=../shared/realfiles
command -v pdftotext >/dev/null || { echo "pdftotext not installed (poppler-utils)"; exit 2; }
[ -f target/release/shnor ] || cargo build --release --bin shnor
read -r -a cmd <<< "${SHNOR_CMD:-target/release/shnor extract --format text}"

files=(tests/fixtures/pdf/*.pdf)
if [ -f "$corpus/REFERENCE.tsv" ]; then
    while IFS=$'\t' read -r file _tool code _secs chars; do
        [[ "$file" == *.pdf && "$code" == 0 && "$chars" -gt 0 ]] && files+=("$corpus/files/$file")
    done < <(tail -n +2 "$corpus/REFERENCE.tsv")
fi
echo "files: ${#files[@]}"

now() { date +%s.%N; }
best_ours=""; best_ref=""
for ((r = 1; r <= rounds; r++)); do
    t0=$(now)
    "${cmd[@]}" "${files[@]}" > /dev/null 2>&1 || true
    t1=$(now)
    for f in "${files[@]}"; do pdftotext -enc UTF-8 "$f" - > /dev/null 2>&1 || true; done
    t2=$(now)
    ours=$(echo "$t1 - $t0" | bc -l); ref=$(echo "$t2 - $t1" | bc -l)
    if [ -z "$best_ours" ] || (( $(echo "$ours < $best_ours" | bc -l) )); then best_ours=$ours; fi
    if [ -z "$best_ref" ] || (( $(echo "$ref < $best_ref" | bc -l) )); then best_ref=$ref; fi
    printf 'round %d: shnor %.3f s, pdftotext %.3f s\n' "$r" "$ours" "$ref"
done
printf 'best: shnor %.3f s, pdftotext %.3f s, ratio %.2f (target <= 1.0, aim 0.5)\n' \
    "$best_ours" "$best_ref" "$(echo "$best_ours / $best_ref" | bc -l)"

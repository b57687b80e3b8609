#!/usr/bin/env bash
# End-to-end build benchmark over generated archives.
#
#   bench/run.sh [COUNTS...]      default: 1000 10000
#
# Generates seed-format archives with ../shared/bench/gen_corpus.py (not part
# of this repository), then times `duben build` into tmpfs (/dev/shm, the CPU
# work) and onto disk, with hyperfine (wall time) and /usr/bin/time -v (peak
# RSS). Needs: python3, hyperfine, GNU time (Debian packages `hyperfine`, `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/site.sh
SHM=${SHM:-/dev/shm/duben-bench}
COUNTS=("${@:-1000 10000}")
[ $# -eq 0 ] && COUNTS=(1000 10000)

cargo build --release --quiet
BIN=$PWD/target/release/duben
mkdir -p "$WORK" "$SHM"

for n in "${COUNTS[@]}"; do
    site=$(generated_site "$n")
    echo "== $n articles: $(find "$site/content" -name '*.md' | wc -l) files, $(du -sh "$site/content" | cut -f1)"
    hyperfine --warmup 1 --runs 5 \
        -n "tmpfs" "$BIN build --root $site --output $SHM/out-$n -q" \
        -n "disk" "$BIN build --root $site --output $WORK/out-$n -q" \
        --export-markdown "$WORK/hyperfine-$n.md"
    /usr/bin/time -v "$BIN" build --root "$site" --output "$SHM/out-$n" -q 2> "$WORK/time-$n.txt"
    grep -E "Maximum resident|Elapsed" "$WORK/time-$n.txt"
    "$BIN" build --root "$site" --output "$SHM/out-$n" -v | tail -8
done
rm -rf "$SHM"

#!/usr/bin/env bash
# Search benchmark over generated archives: index size, bytes a query loads,
# ranking and rendering time in headless Chromium, and what building the
# index adds to the build.
#
#   bench/search.sh [COUNTS...]      default: 1000 10000 100000
#
# Generates archives with ../shared/bench/gen_corpus.py (not part of this
# repository) like bench/run.sh, builds each into tmpfs with `duben build -v`
# (its `search` line is the index's share of the build), then runs
# `cargo bench --bench search` on the result. Needs python3 and chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/site.sh
SHM=${SHM:-/dev/shm/duben-search}
COUNTS=("$@")
[ $# -eq 0 ] && COUNTS=(1000 10000 100000)
QUERIES=(中国 香港 人權 经济 China Taiwan NATO election "中国 经济" "Hong Kong")

cargo build --release --quiet
cargo bench --bench search --no-run --quiet
BIN=$PWD/target/release/duben
mkdir -p "$WORK" "$SHM"

for n in "${COUNTS[@]}"; do
    site=$(generated_site "$n")
    echo "== $n articles"
    for run in 1 2 3; do
        "$BIN" build --root "$site" --output "$SHM/out-$n" -v 2>&1 | grep -E "^  (render\+write|  search)|^Built" | tr '\n' ' '
        echo
    done
    /usr/bin/time -f "peak RSS %M KiB, %e s" "$BIN" build --root "$site" --output "$SHM/out-$n" -q
    echo "search/: $(du -sh "$SHM/out-$n/search" | cut -f1), $(find "$SHM/out-$n/search" -type f | wc -l) files"
    cargo bench --quiet --bench search -- "$SHM/out-$n" "${QUERIES[@]}"
done
rm -rf "$SHM"

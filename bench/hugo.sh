#!/usr/bin/env bash
# Paired speed comparison with Hugo on the same generated archive.
#
#   bench/hugo.sh [COUNT] [RUNS]        default: 10000 articles, 5 runs each
#
# Generates the archive twice with ../shared/bench/gen_corpus.py (same seed):
# seed format for duben, `--format hugo` for Hugo's minimal twin (which only
# copies the bodies through its templates: no sanitizing, cross-references,
# glossary, search index or archive pages). Then alternates the two builds
# (duben, hugo, duben, hugo, ...) so that both see the same machine state,
# output on tmpfs (/dev/shm: the work, not the disk) and then on disk.
# Each run is timed with GNU time (wall seconds, peak RSS).
# duben runs with --force: every run is a full build, nothing from the cache.
#
# Needs: python3, hugo (`apt-get install hugo`), GNU time (`apt-get install time`).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/site.sh
N=${1:-10000}
RUNS=${2:-5}

cargo build --release --quiet
BIN=$PWD/target/release/duben
mkdir -p "$WORK"
site=$(generated_site "$N")
twin="$WORK/hugo-$N"
[ -d "$twin/content" ] || python3 "$GEN" --count "$N" --seed 1 --format hugo --out "$twin" >/dev/null
echo "duben $($BIN --version | cut -d' ' -f2), $(hugo version | cut -d' ' -f1-2); $N articles; $(nproc) cores"

# run NAME OUTDIR: one timed build, prints "seconds KiB".
run() {
    local out=$2 t
    t=$(mktemp)
    rm -rf "$out"
    if [ "$1" = duben ]; then
        /usr/bin/time -f "%e %M" -o "$t" "$BIN" build --root "$site" --output "$out" --force -q
    else
        /usr/bin/time -f "%e %M" -o "$t" hugo --quiet --source "$twin" --destination "$out" \
            --cacheDir "$WORK/hugo-cache" >/dev/null
    fi
    cat "$t"
    rm -f "$t"
}

for place in /dev/shm "$WORK"; do
    declare -a dt=() dm=() ht=() hm=()
    run duben "$place/bench-duben" >/dev/null # warm-up: page cache, binaries
    run hugo "$place/bench-hugo" >/dev/null
    for i in $(seq "$RUNS"); do
        read -r t m < <(run duben "$place/bench-duben"); dt+=("$t"); dm+=("$m")
        read -r t m < <(run hugo "$place/bench-hugo"); ht+=("$t"); hm+=("$m")
    done
    median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    d=$(median "${dt[@]}"); h=$(median "${ht[@]}")
    printf '%-9s duben %6.2f s %5d MiB | hugo %6.2f s %5d MiB | duben/hugo %.2f  (runs: duben %s; hugo %s)\n' \
        "$place" "$d" $(( $(median "${dm[@]}") / 1024 )) "$h" $(( $(median "${hm[@]}") / 1024 )) \
        "$(echo "$d / $h" | bc -l)" "${dt[*]}" "${ht[*]}"
    rm -rf "$place/bench-duben" "$place/bench-hugo"
done

# Incremental builds (duben only): nothing changed, then one article edited.
"$BIN" build --root "$site" --output /dev/shm/bench-duben -q
/usr/bin/time -f "unchanged archive:   %e s %M KiB" "$BIN" build --root "$site" --output /dev/shm/bench-duben -q
one=$(find "$site/content" -name "*.md" | sort | sed -n 1p)
cp "$one" "$WORK/edit-backup.md"
sed -i '2s/\[/[（编辑）/' "$one"
/usr/bin/time -f "one article edited:  %e s %M KiB" "$BIN" build --root "$site" --output /dev/shm/bench-duben -q
cp "$WORK/edit-backup.md" "$one"
rm -rf /dev/shm/bench-duben

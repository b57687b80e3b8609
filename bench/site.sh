# Sourced by the bench scripts: where generated archives live, and making one.
GEN=${GEN:-../shared/bench/gen_corpus.py}
WORK=${WORK:-/tmp/duben-bench}

# generated_site N: prints the folder of an N-article seed-format site
# (`gen_corpus.py --count N --seed 1`), generating it on first use.
generated_site() {
    local site="$WORK/site-$1"
    if [ ! -d "$site/content" ]; then
        mkdir -p "$site"
        python3 "$GEN" --count "$1" --seed 1 --out "$site/content" >/dev/null
        printf 'title = { zh = "基准", en = "Benchmark" }\ntimezone = "Asia/Shanghai"\n' > "$site/site.toml"
    fi
    echo "$site"
}

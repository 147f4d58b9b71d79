#!/usr/bin/env bash
# Whole-process CLI benchmarks at N people (default 100,000), rolo beside
# abook, fzf and khard on the same people, all in ONE run of this script
# (one load average for the lot, printed before each group):
#   rolo list --format csv|json   (streamed listing of everyone)
#   rolo export --format csv|json (to stdout) and --format vcard --out DIR
#   rolo query WORD               (mutt format)   vs  abook --mutt-query WORD
#                                                 vs  fzf --filter WORD
#                                                 vs  khard email WORD
#   rolo list / rolo show ID                      vs  khard list / khard show uid:ID
# khard reads the directory `rolo export --format vcard --out` wrote (a
# vdir, one UID.vcf per person), through a config in $DIR; it parses every
# card on each call, so it gets KHARD_RUNS runs (default 2), not 10, and
# `khard list` is timed once; writing ~100,000 files, `export --out` gets
# VCARD_RUNS (default 3).
# Needs a release build: cargo build --release --features fake-data --example gen_demo --bin rolo
# Usage: benches/cli/whole_process.sh [N] [WORD...]; writes into $DIR (default /tmp/rolo-cli-bench)
# and deletes the generated data at the end unless KEEP=1.
set -euo pipefail
N=${1:-100000}
shift || true
WORDS=("${@:-anna}")
DIR=${DIR:-/tmp/rolo-cli-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROLO="$ROOT/target/release/rolo"
GEN="$ROOT/target/release/examples/gen_demo"
mkdir -p "$DIR"
DB="$DIR/people-$N.sqlite"
# A private HOME: no config, no log in the user's state directory.
export HOME="$DIR/home" XDG_CONFIG_HOME="$DIR/home/.config" XDG_STATE_HOME="$DIR/home/.state"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$GEN" --count "$N" --db "$DB"
# The same people for abook (its addressbook format) and fzf (one line of
# name, emails and company each), exported by rolo itself.
"$ROLO" --db "$DB" list --format csv | python3 -c '
import csv, sys
rows = csv.DictReader(sys.stdin)
book = open(sys.argv[1], "w"); lines = open(sys.argv[2], "w")
book.write("# abook addressbook file\n\n[format]\nprogram=abook\nversion=0.6.1\n\n")
for i, r in enumerate(rows):
    name, emails, company = r["displayName"], r["emails"].split(";"), r["company"]
    book.write("[%d]\nname=%s\nemail=%s\n\n" % (i, name, ",".join(emails)))
    lines.write("%s %s %s\n" % (name, " ".join(emails), company))
' "$DIR/people-$N.abook" "$DIR/people-$N.txt"
# The same people as vCards for khard, and its config.
CARDS="$DIR/cards-$N"
rm -rf "$CARDS"
"$ROLO" --db "$DB" export --format vcard --out "$CARDS" > /dev/null
printf '[addressbooks]\n[[rolo]]\npath = %s\n' "$CARDS" > "$DIR/khard.conf"
KHARD="khard -c $DIR/khard.conf"
KHARD_RUNS=${KHARD_RUNS:-2}
VCARD_RUNS=${VCARD_RUNS:-3}
# One person to show: the best match of the first word.
ID=$("$ROLO" --db "$DB" list --query "${WORDS[0]}" --format csv --limit 1 | sed -n 2p | cut -d, -f1)
echo "load: $(cat /proc/loadavg)"
hyperfine --warmup 2 --runs 10 --style basic --export-json "$DIR/list-$N.json" \
  -n "rolo list --format csv" "$ROLO --db $DB list --format csv > /dev/null" \
  -n "rolo list --format json" "$ROLO --db $DB list --format json > /dev/null" \
  -n "rolo list" "$ROLO --db $DB list > /dev/null"
echo "load: $(cat /proc/loadavg)"
hyperfine --warmup 1 --runs 10 --style basic --export-json "$DIR/export-$N.json" \
  -n "rolo export --format csv" "$ROLO --db $DB export --format csv > /dev/null" \
  -n "rolo export --format json" "$ROLO --db $DB export --format json > /dev/null" \
  -n "rolo export --format vcard" "$ROLO --db $DB export --format vcard > /dev/null"
hyperfine --runs "$VCARD_RUNS" --style basic --export-json "$DIR/export-vcard-dir-$N.json" \
  --prepare "rm -rf $DIR/vcards-out" \
  -n "rolo export --format vcard --out DIR" "$ROLO --db $DB export --format vcard --out $DIR/vcards-out > /dev/null"
rm -rf "$DIR/vcards-out"
for w in "${WORDS[@]}"; do
  echo "load: $(cat /proc/loadavg)"
  hyperfine --warmup 3 --runs 30 -i --style basic --export-json "$DIR/query-$N-$w.json" \
    -n "rolo query $w" "$ROLO --db $DB query $w > /dev/null" \
    -n "abook --mutt-query $w" "abook --datafile $DIR/people-$N.abook --mutt-query $w > /dev/null" \
    -n "fzf --filter $w" "fzf --filter $w < $DIR/people-$N.txt > /dev/null"
done
echo "load: $(cat /proc/loadavg)"
hyperfine --warmup 3 --runs 30 -i --style basic --export-json "$DIR/show-$N.json" \
  -n "rolo show $ID" "$ROLO --db $DB show $ID > /dev/null"
echo "load: $(cat /proc/loadavg)"
hyperfine --runs "$KHARD_RUNS" -i --style basic --export-json "$DIR/khard-$N.json" \
  -n "khard email ${WORDS[0]}" "$KHARD email ${WORDS[0]} > /dev/null" \
  -n "khard show uid:$ID" "$KHARD show uid:$ID < /dev/null > /dev/null"
/usr/bin/time -f "khard list: %e s elapsed, user %U s, peak RSS %M KB" $KHARD list > /dev/null
for cmd in "$ROLO --db $DB query ${WORDS[0]}" "abook --datafile $DIR/people-$N.abook --mutt-query ${WORDS[0]}" \
  "$ROLO --db $DB list --format json" "$ROLO --db $DB export --format csv"; do
  /usr/bin/time -f "peak RSS %M KB: $cmd" $cmd > /dev/null || true
done
echo "matches: rolo $("$ROLO" --db "$DB" query "${WORDS[0]}" | tail -n +2 | wc -l)," \
  "abook $(abook --datafile "$DIR/people-$N.abook" --mutt-query "${WORDS[0]}" | tail -n +2 | wc -l)," \
  "fzf $(fzf --filter "${WORDS[0]}" < "$DIR/people-$N.txt" | wc -l)"
echo "load: $(cat /proc/loadavg)"
[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"

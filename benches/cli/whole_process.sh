#!/usr/bin/env bash
# Whole-process CLI benchmarks at N people (default 100,000), rolo beside
# abook and fzf on the same people, in one hyperfine run each:
#   rolo list --format csv|json   (streamed export of everyone)
#   rolo query WORD               (mutt format)   vs  abook --mutt-query WORD
#                                                 vs  fzf --filter WORD
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
echo "load: $(cat /proc/loadavg)"
hyperfine --warmup 2 --runs 10 --style basic --export-json "$DIR/export-$N.json" \
  -n "rolo list --format csv" "$ROLO --db $DB list --format csv > /dev/null" \
  -n "rolo list --format json" "$ROLO --db $DB list --format json > /dev/null"
for w in "${WORDS[@]}"; do
  echo "load: $(cat /proc/loadavg)"
  hyperfine --warmup 3 --runs 30 -i --style basic --export-json "$DIR/query-$N-$w.json" \
    -n "rolo query $w" "$ROLO --db $DB query $w > /dev/null" \
    -n "abook --mutt-query $w" "abook --datafile $DIR/people-$N.abook --mutt-query $w > /dev/null" \
    -n "fzf --filter $w" "fzf --filter $w < $DIR/people-$N.txt > /dev/null"
done
for cmd in "$ROLO --db $DB query ${WORDS[0]}" "abook --datafile $DIR/people-$N.abook --mutt-query ${WORDS[0]}"; do
  /usr/bin/time -f "peak RSS %M KB: $cmd" $cmd > /dev/null || true
done
echo "matches: rolo $("$ROLO" --db "$DB" query "${WORDS[0]}" | tail -n +2 | wc -l)," \
  "abook $(abook --datafile "$DIR/people-$N.abook" --mutt-query "${WORDS[0]}" | tail -n +2 | wc -l)," \
  "fzf $(fzf --filter "${WORDS[0]}" < "$DIR/people-$N.txt" | wc -l)"
echo "load: $(cat /proc/loadavg)"
[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"

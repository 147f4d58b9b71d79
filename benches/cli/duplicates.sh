#!/usr/bin/env bash
# Whole-process `rolo duplicates` at N people (default 100,000; also run it
# with 1000000), on gen_demo's people with about 1% duplicates planted
# (`--duplicates 10`: an email respelled, a phone, an initial). No peer
# finds duplicates (khard #248 asks for it; abook and fzf have nothing
# like it), so the figure stands alone.
# Needs a release build: cargo build --release --features fake-data --example gen_demo --bin rolo
# Usage: benches/cli/duplicates.sh [N] [RUNS]; writes into $DIR (default /tmp/rolo-dup-bench)
# and deletes the generated data at the end unless KEEP=1.
set -euo pipefail
N=${1:-100000}
RUNS=${2:-5}
DIR=${DIR:-/tmp/rolo-dup-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROLO="$ROOT/target/release/rolo"
GEN="$ROOT/target/release/examples/gen_demo"
mkdir -p "$DIR"
DB="$DIR/people-$N.sqlite"
export HOME="$DIR/home" XDG_CONFIG_HOME="$DIR/home/.config" XDG_STATE_HOME="$DIR/home/.state"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$GEN" --count "$N" --duplicates 10 --db "$DB"
echo "load: $(cat /proc/loadavg)"
hyperfine --warmup 1 --runs "$RUNS" -i --style basic --export-json "$DIR/duplicates-$N.json" \
  -n "rolo duplicates --format json" "$ROLO --db $DB duplicates --region US --format json > /dev/null"
/usr/bin/time -f "peak RSS %M KB, user %U s, system %S s, wall %e s" \
  "$ROLO" --db "$DB" duplicates --region US > "$DIR/groups.txt" || true
echo "groups: $(grep -c '^group ' "$DIR/groups.txt")," \
  "people in groups: $(grep -c '^  ' "$DIR/groups.txt")"
echo "load: $(cat /proc/loadavg)"
[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"

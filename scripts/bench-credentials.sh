#!/usr/bin/env bash
# Bulk issuance benchmark (issues: Certificates, Performance): prepares a
# data directory per route and a deterministic .xlsx of N CET score
# reports (go run ./bench/certs), then times `shishi credentials issue`
# on it with the specialised canonicalizer and with json-gold's generic
# route (--generic), one after the other in the same run, on SQLite, and
# prints wall time, credentials per second, CPU time, peak RSS and the
# ratio.
#
# Usage: bash scripts/bench-credentials.sh [ROWS] [DIR]   (defaults 100000, /tmp/shishi-cert-bench)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROWS="${1:-100000}"
DIR="${2:-/tmp/shishi-cert-bench}"
BIN="$DIR/shishi"
mkdir -p "$DIR"
CGO_ENABLED=0 go build -o "$BIN" ./cmd/shishi
go run ./bench/certs -dir "$DIR" -rows "$ROWS"
SHEET="$DIR/cet4-$ROWS.xlsx"
declare -A WALL
for route in specialised generic; do
    flag=""
    [[ $route == generic ]] && flag="--generic"
    echo "== $route: $BIN credentials issue --data $DIR/$route --type cet4 $flag $SHEET"
    /usr/bin/time -v "$BIN" credentials issue --data "$DIR/$route" --type cet4 $flag "$SHEET" >"$DIR/$route.out" 2>&1
    grep -E "issued|100%" "$DIR/$route.out" | tail -2
    wall=$(grep "Elapsed (wall clock)" "$DIR/$route.out" | awk '{print $NF}')
    secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    user=$(grep "User time" "$DIR/$route.out" | awk '{print $NF}')
    sys=$(grep "System time" "$DIR/$route.out" | awk '{print $NF}')
    rss=$(grep "Maximum resident" "$DIR/$route.out" | awk '{print $NF}')
    WALL[$route]=$secs
    awk -v r="$ROWS" -v s="$secs" -v u="$user" -v y="$sys" -v m="$rss" -v n="$route" 'BEGIN {
        printf "   %s: wall %.2f s, %.0f credentials/s, CPU %.2f s (%.0f µs a credential), peak RSS %.1f MiB\n", n, s, r/s, u+y, (u+y)*1e6/r, m/1024 }'
done
awk -v a="${WALL[specialised]}" -v b="${WALL[generic]}" 'BEGIN { printf "== ratio (generic wall / specialised wall): %.1f×\n", b/a }'
echo "   load average at the end: $(cat /proc/loadavg)"

#!/usr/bin/env bash
# Shishi test runner: gofmt, go vet, then `go test` against a real,
# throwaway PostgreSQL cluster.
#
# Usage:
#   bash scripts/test.sh [go test flags...]     e.g.  -race   or   -run TestFoo -v
#
# Environment:
#   SHISHI_TEST_PG       set by the caller: use that database and start no cluster.
#                        Otherwise this script starts one and exports it as
#                        postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable
#   SHISHI_TEST_PKGS     packages to test (default ./...)
#   SHISHI_TEST_DRY=1    only start the cluster, run a query with psql, stop it
#                        (no gofmt, vet or go test): checks the PostgreSQL part.
#   SHISHI_AXE           axe.min.js for the accessibility check; found or
#                        installed with npm into ~/.cache/shishi-axe if unset.
#   CHROMIUM_INSTALL=1   install Debian's chromium if missing (root only);
#                        CI=true does the same. Browser tests get
#                        SHISHI_TEST_CHROMIUM=/usr/bin/chromium when it exists.
#
# As root it installs what is missing with apt-get (postgresql, chromium).
# Not as root it never installs: without PostgreSQL the DB tests skip.
# The cluster and its temp dir are always removed on exit; the exit status is
# go test's.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Go may not be on PATH in a bare CI shell.
if [[ -d /usr/local/go/bin && ":$PATH:" != *":/usr/local/go/bin:"* ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi

DRY="${SHISHI_TEST_DRY:-0}"

# ---------------------------------------------------------------- helpers ---

section() { printf '\n== %s\n' "$*"; }
note() { printf '   %s\n' "$*"; }
warn() { printf '   WARNING: %s\n' "$*" >&2; }
die() {
    printf 'test.sh: ERROR: %s\n' "$*" >&2
    exit 1
}
is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Milliseconds since the epoch, and "1.234s" since a value of it.
now_ms() { date +%s%3N; }
since() {
    local ms=$(($(now_ms) - $1))
    printf '%d.%03ds' $((ms / 1000)) $((ms % 1000))
}

# apt-get install, quietly; runs `apt-get update` once per run.
# The full apt output goes to a log that is shown if the install fails.
APT_UPDATED=0
apt_install() {
    local log rc=0
    log="$(mktemp "${TMPDIR:-/tmp}/shishi-apt.XXXXXX")"
    {
        if [[ $APT_UPDATED -eq 0 ]]; then
            apt-get -o DPkg::Lock::Timeout=300 update && APT_UPDATED=1
        fi &&
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
                install -y --no-install-recommends "$@"
    } </dev/null >"$log" 2>&1 || rc=$?
    if [[ $rc -ne 0 ]]; then
        tail -n 40 "$log" | sed 's/^/   apt| /' >&2
    fi
    rm -f "$log"
    return $rc
}

# The bin dir of the newest PostgreSQL installed the Debian way, or nothing.
find_pg_bin() {
    local initdb
    initdb="$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)"
    if [[ -x "$initdb" ]]; then dirname "$initdb"; fi
}

# A TCP port on 127.0.0.1 that nothing answers on, probing upwards from a
# random start in 20000-40000. (Start-up retries with another port if the
# port gets taken in between.)
pick_free_port() {
    local port=$((20000 + RANDOM % 20001)) i
    for ((i = 0; i < 500; i++)); do
        # The connect fails (refused) when nothing listens there.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
        port=$((port + 1))
        if ((port > 40000)); then port=20000; fi
    done
    return 1
}

# ------------------------------------------------------- cluster teardown ---

PG_BIN=""   # /usr/lib/postgresql/N/bin
PG_DIR=""   # our temp dir: data/, sockets, logs
AS_PG=()    # command prefix to run as the cluster's owner (empty: as ourselves)

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
    local rc=$?
    set +e
    if [[ -n "$PG_DIR" ]]; then
        if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
            # Throwaway data: immediate shutdown is fine and fastest.
            if ! "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate \
                -w -t 30 stop >/dev/null 2>&1; then
                # Last resort: SIGQUIT (immediate shutdown) to the postmaster.
                local pid
                pid="$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null)"
                if [[ "$pid" =~ ^[0-9]+$ ]]; then
                    kill -QUIT "$pid" 2>/dev/null
                    sleep 1
                fi
            fi
        fi
        rm -rf "$PG_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --------------------------------------------------------- cluster start ---

# Installs PostgreSQL if needed and possible. Sets PG_BIN, or leaves it empty
# (with a message) when there is none and we may not install.
ensure_postgres() {
    PG_BIN="$(find_pg_bin)"
    if [[ -n "$PG_BIN" ]]; then
        note "found $("$PG_BIN/postgres" --version) in $PG_BIN"
        return 0
    fi
    if ! is_root; then
        warn "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)"
        warn "and we are not root, so it is not installed now: DB tests will SKIP."
        warn "Install it with: sudo apt-get install postgresql"
        warn "or point SHISHI_TEST_PG at a database you can create databases in."
        return 0
    fi
    note "PostgreSQL not installed: apt-get install postgresql ..."
    local t0
    t0="$(now_ms)"
    apt_install postgresql || die "apt-get install postgresql failed"
    note "postgresql install took $(since "$t0")"
    PG_BIN="$(find_pg_bin)"
    [[ -n "$PG_BIN" ]] || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb"
    note "installed $("$PG_BIN/postgres" --version)"
}

# initdb + start a cluster in a temp dir, reachable only on 127.0.0.1.
# Exports SHISHI_TEST_PG.
start_cluster() {
    local t0 base port attempt log="" started=0
    t0="$(now_ms)"
    base="${TMPDIR:-/tmp}"

    # PostgreSQL refuses to run as root: run it as the `postgres` user
    # (made by the Debian package) and let that user own the temp dir.
    if is_root; then
        if ! id -u postgres >/dev/null 2>&1; then
            note "creating system user postgres"
            useradd --system --user-group --no-create-home \
                --home-dir /nonexistent --shell /usr/sbin/nologin postgres
        fi
        AS_PG=(runuser -u postgres --)
    fi

    PG_DIR="$(mktemp -d "$base/shishi-pg.XXXXXX")"
    if is_root; then
        chown postgres: "$PG_DIR"
        # $TMPDIR may sit under a dir postgres cannot enter (e.g. /root).
        if ! "${AS_PG[@]}" test -w "$PG_DIR"; then
            rm -rf "$PG_DIR"
            PG_DIR="$(mktemp -d /tmp/shishi-pg.XXXXXX)"
            chown postgres: "$PG_DIR"
        fi
    fi
    note "cluster dir $PG_DIR"

    # --no-sync: nothing here needs to survive a crash.
    local initdb_args=(-D "$PG_DIR/data" --auth=trust -U postgres --encoding=UTF8 --no-sync)
    if ! "${AS_PG[@]}" "$PG_BIN/initdb" "${initdb_args[@]}" --locale=C.UTF-8 \
        >"$PG_DIR/initdb.log" 2>&1; then
        note "initdb --locale=C.UTF-8 failed; retrying with --no-locale"
        "${AS_PG[@]}" rm -rf "$PG_DIR/data"
        "${AS_PG[@]}" "$PG_BIN/initdb" "${initdb_args[@]}" --no-locale \
            >"$PG_DIR/initdb.log" 2>&1 || {
            sed 's/^/   initdb| /' "$PG_DIR/initdb.log" >&2
            die "initdb failed"
        }
    fi

    # Settings for a fast, private test server. The port is given at start.
    cat >>"$PG_DIR/data/postgresql.conf" <<EOF

# --- added by scripts/test.sh (throwaway test cluster) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DIR'
max_connections = 200           # tests create many databases
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

    # Start; if the port was grabbed since we probed it, try another one.
    for attempt in 1 2 3 4 5; do
        port="$(pick_free_port)" || die "no free TCP port found in 20000-40000"
        log="$PG_DIR/postgres-$attempt.log" # written by the server's user
        if "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$log" \
            -o "-p $port" -w -t 60 start >"$PG_DIR/pg_ctl.log" 2>&1; then
            started=1
            break
        fi
        if grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets' "$log" 2>/dev/null; then
            note "port $port taken, retrying"
            continue
        fi
        break
    done
    if [[ $started -ne 1 ]]; then
        sed 's/^/   pg_ctl| /' "$PG_DIR/pg_ctl.log" >&2
        [[ -f "$log" ]] && sed 's/^/   server| /' "$log" >&2
        die "could not start PostgreSQL"
    fi

    # pg_ctl -w already waited; make sure it answers over TCP too.
    local i
    for ((i = 0; i < 60; i++)); do
        if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
            break
        fi
        sleep 0.5
    done
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres ||
        die "PostgreSQL started but pg_isready gets no answer on 127.0.0.1:$port"

    export SHISHI_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    note "cluster start (initdb + start) took $(since "$t0")"
    note "SHISHI_TEST_PG=$SHISHI_TEST_PG"
}

# ------------------------------------------------------------------ steps ---

if [[ "$DRY" != 1 ]]; then
    section "gofmt"
    bash scripts/gofmt-check.sh

    section "vet"
    go vet ./...
    echo "   go vet ok"
fi

section "postgres"
if [[ -n "${SHISHI_TEST_PG:-}" ]]; then
    note "using SHISHI_TEST_PG from the caller; starting no cluster"
    PG_BIN="$(find_pg_bin)" # only for psql in the dry run
else
    ensure_postgres
    if [[ -n "$PG_BIN" ]]; then
        start_cluster
    fi
fi

if [[ "$DRY" == 1 ]]; then
    section "dry run: psql"
    psql="psql"
    if [[ -n "$PG_BIN" ]]; then psql="$PG_BIN/psql"; fi
    [[ -n "${SHISHI_TEST_PG:-}" ]] || die "dry run: no PostgreSQL to check"
    "$psql" "$SHISHI_TEST_PG" -X -v ON_ERROR_STOP=1 -At \
        -c 'select version()' \
        -c 'select 1' \
        -c "select name || '=' || setting from pg_settings
            where name in ('listen_addresses', 'port', 'max_connections', 'fsync')
            order by name"
    echo "   dry run ok (go was not run)"
    exit 0
fi

section "chromium"
# Install only when asked to (or in CI), and only as root.
if [[ ! -x /usr/bin/chromium ]] &&
    [[ "${CHROMIUM_INSTALL:-}" == 1 || "${CI:-}" == true ]]; then
    if is_root; then
        note "chromium not installed: apt-get install chromium ..."
        t0="$(now_ms)"
        if apt_install chromium; then
            note "chromium install took $(since "$t0")"
        else
            warn "apt-get install chromium failed: browser tests will SKIP"
        fi
    else
        warn "chromium is missing and we are not root: browser tests will SKIP"
    fi
fi
if [[ -z "${SHISHI_TEST_CHROMIUM:-}" && -x /usr/bin/chromium ]]; then
    export SHISHI_TEST_CHROMIUM=/usr/bin/chromium
fi
note "SHISHI_TEST_CHROMIUM=${SHISHI_TEST_CHROMIUM:-(unset: browser tests skip unless they find chromium)}"

section "independent credential verifier (node)"
# internal/e2e checks our credentials with Digital Bazaar's verifier, whose
# packages come from the npm registry (pinned in scripts/vcverify). As root
# a missing Node.js is installed; without node/npm the check skips.
if ! command -v npm >/dev/null 2>&1 && is_root; then
    note "node/npm not installed: apt-get install nodejs npm ..."
    apt_install nodejs npm || warn "apt-get install nodejs npm failed"
fi
if command -v npm >/dev/null 2>&1; then
    if [[ ! -d scripts/vcverify/node_modules/@digitalbazaar/vc ]]; then
        t0="$(now_ms)"
        if (cd scripts/vcverify && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
            note "npm ci in scripts/vcverify took $(since "$t0")"
        else
            warn "npm ci in scripts/vcverify failed: the independent verifier check will SKIP"
        fi
    else
        note "scripts/vcverify/node_modules present"
    fi
else
    warn "node/npm are absent: the independent verifier check will SKIP"
fi

section "axe-core"
# The accessibility check (internal/e2e TestPortalAccessibility) runs
# axe-core from the npm registry in Chromium. Installed into a cache dir
# when npm is there; without it the test skips and says so.
if [[ -z "${SHISHI_AXE:-}" ]] && command -v npm >/dev/null 2>&1; then
    axe_dir="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/shishi-axe"
    if [[ ! -f "$axe_dir/node_modules/axe-core/axe.min.js" ]]; then
        mkdir -p "$axe_dir"
        if ! (cd "$axe_dir" && npm install --no-save --no-audit --no-fund --loglevel=error axe-core@4 </dev/null >/dev/null 2>&1); then
            warn "npm install axe-core failed: the accessibility check will SKIP"
        fi
    fi
    if [[ -f "$axe_dir/node_modules/axe-core/axe.min.js" ]]; then
        export SHISHI_AXE="$axe_dir/node_modules/axe-core/axe.min.js"
    fi
fi
note "SHISHI_AXE=${SHISHI_AXE:-(unset: the accessibility check skips)}"

section "build (CGO_ENABLED=0)"
# The contract: one self-contained binary, no C toolchain needed.
bin_dir="$(mktemp -d)"
CGO_ENABLED=0 go build -o "$bin_dir/shishi" ./cmd/shishi
note "$(du -h "$bin_dir/shishi" | cut -f1) $("$bin_dir/shishi" version)"
rm -rf "$bin_dir"

section "go test"
# Extra arguments go to go test, before the package list.
set +e
# shellcheck disable=SC2086 # SHISHI_TEST_PKGS may name several packages
go test -count=1 -timeout 30m "$@" ${SHISHI_TEST_PKGS:-./...}
status=$?
set -e
if [[ "$status" -ne 0 ]]; then
    exit "$status"
fi

# A short fuzz run of every fuzz target (seed corpora in each package's
# testdata/fuzz), SHISHI_FUZZTIME each (default 2s; 0 skips). Only on a
# full run: a narrowed run (SHISHI_TEST_PKGS) is someone iterating.
fuzztime="${SHISHI_FUZZTIME:-2s}"
if [[ -z "${SHISHI_TEST_PKGS:-}" && "$fuzztime" != "0" ]]; then
    section "fuzz ($fuzztime each)"
    t0="$(now_ms)"
    while IFS=: read -r file name; do
        pkg="$(dirname "$file")"
        fuzz_ok=1
        go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg" >/tmp/shishi-fuzz.$$ 2>&1 || fuzz_ok=0
        # On a loaded machine the fuzz coordinator may end a 2 s run with
        # "context deadline exceeded" while a worker is still busy, having
        # found nothing (no failing input written). Run such a target once
        # more; an input that fails is never retried.
        if [[ "$fuzz_ok" -eq 0 ]] && ! grep -q 'Failing input written' /tmp/shishi-fuzz.$$ &&
            grep -q 'context deadline exceeded' /tmp/shishi-fuzz.$$; then
            note "fuzz $pkg $name: the fuzzer's deadline passed with nothing found; once more"
            fuzz_ok=1
            go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg" >/tmp/shishi-fuzz.$$ 2>&1 || fuzz_ok=0
        fi
        if [[ "$fuzz_ok" -eq 0 ]]; then
            cat /tmp/shishi-fuzz.$$
            rm -f /tmp/shishi-fuzz.$$
            warn "fuzz $pkg $name FAILED (the failing input is in $pkg/testdata/fuzz/$name)"
            exit 1
        fi
        note "fuzz $pkg $name ok"
    done < <(grep -rho --include='*_test.go' -H '^func Fuzz[A-Za-z0-9_]*' . | sed 's/func //' | sort)
    rm -f /tmp/shishi-fuzz.$$
    note "fuzzing took $(since "$t0")"
fi
exit 0

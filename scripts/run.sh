#!/usr/bin/env bash
# The README's two commands, on a fresh Debian machine that has Node.js and npm:
#   bash scripts/run.sh start   install what is missing, then run the service on its embedded defaults
#   bash scripts/run.sh test    install what is missing, then run the whole test suite
# What is installed: Bun (from npm), Debian's chromium-headless-shell (the browser wabun runs),
# chromium (the fallback, and the browser of the smoke set) and ffmpeg, the locked dependencies (s3rver
# among them: the S3-compatible server the login-profile tests start themselves); for
# `test` also Debian's postgresql, whose binaries run a throwaway cluster for the PostgreSQL store's tests.
# Without root, nothing is installed system-wide: the script says exactly what to run instead.
set -euo pipefail
cd "$(dirname "$0")/.."

BUN_VERSION=1.4.4
mode=${1:-}
case "$mode" in start|test|setup) ;; *) echo "usage: bash scripts/run.sh start|test|setup" >&2; exit 64 ;; esac

is_root() { [ "$(id -u)" = 0 ]; }
say() { printf 'run.sh: %s\n' "$*" >&2; }

ensure_bun() {
  if command -v bun >/dev/null 2>&1 && [ "$(bun --version)" = "$BUN_VERSION" ]; then return; fi
  if ! command -v npm >/dev/null 2>&1; then
    say "Bun $BUN_VERSION is needed and npm is missing to install it. Install Node.js and npm first: apt-get install -y nodejs npm"
    exit 1
  fi
  say "installing Bun $BUN_VERSION from npm"
  if ! npm install -g --no-fund --no-audit "bun@$BUN_VERSION" >/dev/null; then
    say "could not install Bun globally. Run as root: npm install -g bun@$BUN_VERSION"
    say "or without root: npm install --prefix \"\$HOME/.local\" -g bun@$BUN_VERSION && export PATH=\"\$HOME/.local/bin:\$PATH\""
    exit 1
  fi
  hash -r
  [ "$(bun --version)" = "$BUN_VERSION" ] || { say "bun on PATH is $(bun --version), expected $BUN_VERSION ($(command -v bun))"; exit 1; }
}

SHELL_BIN=/usr/lib/chromium/chromium-headless-shell
FULL_BIN=/usr/lib/chromium/chromium

# The browser wabun will run: PUPPETEER_EXECUTABLE_PATH/CHROME_PATH, else what its discovery
# prefers (src/os/chromium.ts: the headless shell, then full chromium).
chromium_path() {
  for p in "${PUPPETEER_EXECUTABLE_PATH:-}" "${CHROME_PATH:-}" "$SHELL_BIN" "$FULL_BIN" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$p" ] && [ -x "$p" ]; then echo "$p"; return 0; fi
  done
  return 1
}

# Debian's two browsers and ffmpeg, in one apt run. The headless shell is the browser wabun runs,
# full chromium the fallback (and what `test` runs its smoke set on); ffmpeg converts media (the
# service runs without it, its conversion routes then answer 503; the tests need it). Without root,
# `start` goes on with one browser and says what is missing; `test` needs everything.
ensure_system_packages() {
  local missing=()
  [ -x "$SHELL_BIN" ] || missing+=(chromium-headless-shell)
  [ -x "$FULL_BIN" ] || missing+=(chromium)
  command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
  [ ${#missing[@]} = 0 ] && return
  if ! is_root; then
    if ! chromium_path >/dev/null || [ "$mode" = test ]; then
      say "Debian packages are missing. Install them as root, then run this again:"
      say "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      exit 1
    fi
    say "not installed: ${missing[*]} (wabun runs $(chromium_path); without ffmpeg, media conversion answers 503); to install: sudo apt-get install -y ${missing[*]}"
    return
  fi
  say "installing Debian's ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-liberation >/dev/null
  chromium_path >/dev/null || { say "${missing[*]} was installed but no browser binary was found"; exit 1; }
  command -v ffmpeg >/dev/null 2>&1 || { say "ffmpeg was installed but is not on PATH"; exit 1; }
}

ensure_deps() {
  bun install --frozen-lockfile >/dev/null
}

# The container test (test/e2e/container) builds the Dockerfile with rootful podman. Without root or
# apt nothing is installed here: the test then says why it skips, and the rest of the suite runs.
ensure_podman() {
  if command -v podman >/dev/null 2>&1 && command -v runc >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1; then return; fi
  if ! is_root || ! command -v apt-get >/dev/null 2>&1 || [ "${WABUN_SKIP_CONTAINER:-}" = 1 ]; then return; fi
  say "installing podman, runc and debootstrap for the container test"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends podman runc debootstrap >/dev/null; }; then
    say "could not install podman; the container test will say why it skips"
  fi
}

# The newest installed PostgreSQL server binaries (Debian keeps them out of PATH).
pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

# Only the tests need PostgreSQL. Debian's package would also create and start a system cluster
# on port 5432; the tests never use one, so the install asks for none (createcluster.conf(5)).
ensure_postgres() {
  if pg_bin >/dev/null; then return 0; fi
  if ! is_root; then
    say "PostgreSQL is missing: the PostgreSQL store's tests will be skipped. To run them, as root:"
    say "  sudo apt-get install -y postgresql"
    return 1
  fi
  say "installing Debian's postgresql (for the tests; no system cluster is created)"
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/wabun-tests.conf
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  pg_bin >/dev/null || { say "postgresql was installed but no initdb was found"; return 1; }
}

# A throwaway cluster for the tests: a temp folder, loopback only, a free port, a random password,
# owned by an unprivileged user (initdb refuses root: as root, the package's `postgres` user), and
# without fsync (it is deleted when the run ends). Exports WABUN_TEST_POSTGRES_URL.
PG_DIR=''
PG_AS=()
start_test_postgres() {
  local bin port password attempt
  bin=$(pg_bin) || return 1
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wabun-pg.XXXXXX")
  if is_root; then PG_AS=(runuser -u postgres --); fi
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  (umask 077 && echo "$password" >"$PG_DIR/password")
  if is_root; then chown -R postgres: "$PG_DIR"; fi
  if ! "${PG_AS[@]}" "$bin/initdb" -D "$PG_DIR/data" -U wabun --pwfile="$PG_DIR/password" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1; then
    cat "$PG_DIR/initdb.log" >&2
    return 1
  fi
  for attempt in 1 2 3; do # a port picked free may be taken before the server binds it
    port=$(bun -e 'const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() }); console.log(s.port); s.stop(true);')
    if "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 -o \
      "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
      export WABUN_TEST_POSTGRES_URL="postgres://wabun:$password@127.0.0.1:$port/postgres?sslmode=disable"
      return 0
    fi
  done
  tail -n 20 "$PG_DIR/server.log" >&2
  return 1
}

stop_test_postgres() {
  [ -n "$PG_DIR" ] || return 0
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    "${PG_AS[@]}" "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  PG_DIR=''
}

ensure_bun
ensure_system_packages
ensure_deps
if [ "$mode" = test ]; then ensure_podman; fi

case "$mode" in
  setup) say "ready: bun $(bun --version), chromium at $(chromium_path), ffmpeg at $(command -v ffmpeg || echo '(missing)')" ;;
  start) exec bun src/index.ts ;;
  test)
    # The PostgreSQL store's cases run against WABUN_TEST_POSTGRES_URL: a server given by the
    # caller, else a throwaway cluster started here and stopped when the run ends.
    if [ -z "${WABUN_TEST_POSTGRES_URL:-}" ] && ensure_postgres; then
      trap stop_test_postgres EXIT
      pg_started=$(date +%s%N)
      if start_test_postgres; then
        say "PostgreSQL for the tests on ${WABUN_TEST_POSTGRES_URL##*@} (ready in $((($(date +%s%N) - pg_started) / 1000000)) ms)"
      else
        say "could not start a PostgreSQL cluster for the tests: its cases will be skipped"
        stop_test_postgres
      fi
    fi
    # Lint, then the unit tests, then the end-to-end tests (real Chromium); each run's counts
    # (bun test prints " N pass", " N fail") are summed into one closing line.
    log=$(mktemp)
    status=0
    set +e
    if ! bun run lint >"$log.lint" 2>&1; then
      cat "$log.lint"
      echo " 1 fail" >>"$log"
      status=1
    fi
    rm -f "$log.lint"
    suites="test:unit test:e2e"
    # The whole suite runs on the browser wabun finds (the headless shell); a smoke set runs again
    # on full chromium, the fallback, when both are here and no browser was named.
    if [ -z "${PUPPETEER_EXECUTABLE_PATH:-}${CHROME_PATH:-}" ] && [ "$(chromium_path)" = "$SHELL_BIN" ] && [ -x "$FULL_BIN" ]; then
      suites="$suites test:e2e:chromium"
    else
      say "smoke set on full chromium skipped: the suite itself runs on $(chromium_path)"
    fi
    for suite in $suites; do
      [ "$suite" = test:e2e:chromium ] && say "the smoke set again on full chromium ($FULL_BIN)"
      bun run "$suite" "${@:2}" 2>&1 | tee -a "$log"
      code=${PIPESTATUS[0]}
      [ "$code" = 0 ] || status=$code
    done
    # (awk, not grep: a count that never appears must read as 0, not stop the script)
    count() { awk -v word="$1" '$0 ~ "^ *[0-9]+ " word "$" {s += $1} END {print s + 0}' "$log"; }
    pass=$(count pass)
    fail=$(count fail)
    errors=$(count 'errors?')
    set -e
    rm -f "$log"
    fail=$((fail + errors))
    if [ "$status" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi
    echo "$pass passed, $fail failed"
    exit "$status"
    ;;
esac

#!/usr/bin/env bash
# The README's two commands, on a fresh Debian machine that has Node.js and npm:
#   bash scripts/run.sh start   install what is missing, then run the service on its embedded defaults
#   bash scripts/run.sh test    install what is missing, then run the whole test suite
# What is installed: Bun (from npm), Debian's chromium-headless-shell (the browser wabun runs) and
# chromium (the fallback, and the browser of the smoke set), the locked dependencies.
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

# Both of Debian's browsers: the headless shell is the default, full chromium the fallback (and
# what `test` runs its smoke set on). Without root, one of them is enough to go on.
ensure_chromium() {
  missing=
  [ -x "$SHELL_BIN" ] || missing="chromium-headless-shell"
  [ -x "$FULL_BIN" ] || missing="$missing chromium"
  missing=${missing# }
  [ -n "$missing" ] || return 0
  if ! is_root; then
    if chromium_path >/dev/null; then
      say "not installed: $missing (wabun runs $(chromium_path)); to install it: sudo apt-get install -y $missing"
      return 0
    fi
    say "Chromium is missing. Install Debian's packages as root, then run this again:"
    say "  sudo apt-get update && sudo apt-get install -y chromium-headless-shell chromium"
    exit 1
  fi
  say "installing Debian's $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  apt-get install -y -qq --no-install-recommends $missing fonts-liberation >/dev/null
  chromium_path >/dev/null || { say "$missing was installed but no binary was found"; exit 1; }
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

ensure_bun
ensure_chromium
ensure_deps
if [ "$mode" = test ]; then ensure_podman; fi

case "$mode" in
  setup) say "ready: bun $(bun --version), chromium at $(chromium_path)" ;;
  start) exec bun src/index.ts ;;
  test)
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

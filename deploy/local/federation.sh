#!/usr/bin/env bash
# A local blindmatch federation on loopback: a clearinghouse and three oprf keyholders, each a
# separate OS process with its own data directory, certificate and log file.
#
#   federation.sh [--dir DIR] [--base-port N] up [SERVER...]
#                                       create DIR if new, start each server (or each SERVER
#                                       named) that is not running, wait until each is healthy
#   federation.sh [--dir DIR] down [SERVER...]
#                                       SIGTERM each server (or each SERVER named), wait for it
#   federation.sh [--dir DIR] status    pid, address and gRPC health of each
#
# SERVER is clearinghouse or keyholder-1..3 (e.g. `down keyholder-1` takes one keyholder away
# and `up` brings it back).
# DIR (default ./federation, or $FEDERATION_DIR) is created on the first `up`: a federation CA
# and certificates for every server and for the client nodes operator, platform-a..c,
# ngo-watch and auditor (profiles in DIR/profiles), the scope (conf/scope.yaml), an hmac token
# keyset (DIR/token-keys.json, for platforms and NGOs), a 2-of-3 oprf key ceremony (DIR/oprf:
# share i named for keyholder-i's identity, oprf-public.epoch-1.json for clients' --oprf-key)
# and a configuration per server made from conf/*.yaml. Ports: the clearinghouse listens on
# N (default 17443, or $FEDERATION_BASE_PORT), keyholder-i on N+i; their plaintext health-only
# probe ports on N+10 and N+10+i, their plaintext /metrics ports on N+20 and N+20+i.
# Logs: DIR/logs. Every
# secret is encrypted under DIR/passphrase.txt: a development federation, not a deployment.
# Needs the distribution (`mvn -B package`); BLINDMATCH overrides the launcher it runs.
# FEDERATION_START_TIMEOUT (seconds, default 90) bounds the wait for a server to be healthy
# and for one to stop after SIGTERM.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -x "$here/../bin/blindmatch" ]; then
  dist="$(cd "$here/.." && pwd)"                 # installed distribution: local/ beside bin/
else
  dist="$(cd "$here/.." && pwd)/target/blindmatch" # source tree: deploy/local
fi
bm="${BLINDMATCH:-$dist/bin/blindmatch}"
[ -x "$bm" ] || { echo "federation: $bm not found; build the distribution: mvn -B package" >&2; exit 1; }
conf="$dist/conf"
dir="${FEDERATION_DIR:-$PWD/federation}"
base="${FEDERATION_BASE_PORT:-17443}"
# Servers are small here; clients keep the launcher's defaults.
server_opts="${FEDERATION_SERVER_JAVA_OPTS:--Xmx384m}"
wait_s="${FEDERATION_START_TIMEOUT:-90}"
federation=local
keyholders=3
threshold=2
servers=(clearinghouse keyholder-1 keyholder-2 keyholder-3)
clients=("clearinghouse operator" "platform platform-a" "platform platform-b"
  "platform platform-c" "ngo ngo-watch" "auditor auditor")

die() { echo "federation: $*" >&2; exit 1; }
named=()

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --base-port) base="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    up|down|status) [ -z "${cmd:-}" ] || die "one command at a time (\"$cmd\", then \"$1\")"
      cmd="$1"; shift ;;
    clearinghouse|keyholder-*)
      case "${cmd:-}" in up|down) ;; *) die "\"$1\": name servers after up or down" ;; esac
      case " ${servers[*]} " in *" $1 "*) ;; *) die "no server \"$1\" (${servers[*]})" ;; esac
      named+=("$1"); shift ;;
    *) die "unknown argument \"$1\" (up, down, status; --dir DIR, --base-port N; server names)" ;;
  esac
done
[ -n "${cmd:-}" ] || die "usage: federation.sh [--dir DIR] [--base-port N] up|down [SERVER...]|status"
case "$base" in ''|*[!0-9]*) die "--base-port: \"$base\" is not a port number" ;; esac
dir="$(mkdir -p "$dir" && cd "$dir" && pwd)"

role_of() { case "$1" in clearinghouse) echo clearinghouse ;; *) echo keyholder ;; esac; }
config_of() { echo "$dir/$1/$(role_of "$1").yaml"; }
pid_of() { cat "$dir/run/$1.pid" 2>/dev/null || true; }
alive() { local p; p="$(pid_of "$1")"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
port_of() { case "$1" in clearinghouse) echo "$base" ;; keyholder-*) echo $((base + ${1#keyholder-})) ;; esac; }

# Writes $2 from the template $1 with sed expressions $3..., then checks each replaced line.
render() {
  local template="$1" out="$2"; shift 2
  local args=() e
  # A key may be set or commented out in the template ("# key: example"): both are replaced.
  for e in "$@"; do args+=(-e "s%^\(# \)\{0,1\}${e%%=*}: .*%${e%%=*}: ${e#*=}%"); done
  sed "${args[@]}" "$template" > "$out.tmp"
  for e in "$@"; do
    grep -qxF "${e%%=*}: ${e#*=}" "$out.tmp" || die "$template has no line \"${e%%=*}: \" to set"
  done
  mv "$out.tmp" "$out"
}

init() {
  echo "federation: creating $dir"
  local pass="$dir/passphrase.txt" capass="$dir/ca-passphrase.txt"
  # The CA's passphrase is the CA's alone; the nodes of this one-machine federation share
  # passphrase.txt (pki issue refuses the CA's passphrase for a node).
  (umask 077; head -c 24 /dev/urandom | base64 > "$pass"; head -c 24 /dev/urandom | base64 > "$capass")
  mkdir -p "$dir/logs" "$dir/run" "$dir/profiles"
  "$bm" pki init --federation "$federation" --dir "$dir/pki" --passphrase-file "$capass" >/dev/null
  local s c jobs=()
  # Issued two at a time: each issue spends most of its time in the passphrase KDF.
  for s in "${servers[@]}"; do
    "$bm" pki issue --dir "$dir/pki" --role "$(role_of "$s")" --name "$s" --dns localhost \
      --ip 127.0.0.1 --passphrase-file "$capass" --node-passphrase-file "$pass" >/dev/null & jobs+=($!)
    [ "${#jobs[@]}" -lt 2 ] || { wait "${jobs[0]}" || die "pki issue failed"; jobs=("${jobs[@]:1}"); }
  done
  for c in "${clients[@]}"; do
    set -- $c
    "$bm" pki issue --dir "$dir/pki" --role "$1" --name "$2" --passphrase-file "$capass" \
      --node-passphrase-file "$pass" >/dev/null & jobs+=($!)
    [ "${#jobs[@]}" -lt 2 ] || { wait "${jobs[0]}" || die "pki issue failed"; jobs=("${jobs[@]:1}"); }
  done
  for s in "${jobs[@]}"; do wait "$s" || die "pki issue failed"; done
  "$bm" pki crl --dir "$dir/pki" --passphrase-file "$capass" >/dev/null
  for c in "${clients[@]}"; do
    set -- $c
    render "$conf/node.profile.yaml" "$dir/profiles/$2.profile.yaml" \
      "server=127.0.0.1:$base" "  ca=../pki/ca.crt" "  cert=../pki/$2.crt" \
      "  key=../pki/$2.key" "signing_keyset=../pki/$2.signing.json" \
      "passphrase_file=../passphrase.txt"
  done
  cp "$conf/scope.yaml" "$dir/scope.yaml"
  "$bm" keys new --out "$dir/token-keys.json" --passphrase-file "$pass" >/dev/null
  local key_id
  key_id="$("$bm" keys show --keyset "$dir/token-keys.json" --passphrase-file "$pass" \
    | awk '$1 == "key" && $3 == "primary" { print $2; exit }')"
  [ -n "$key_id" ] || die "cannot read the token key id"
  # One passphrase per keyholder share; here the federation's, so each keyholder's single
  # passphrase_file opens both its TLS key and its share.
  for _ in $(seq "$keyholders"); do cat "$pass"; done > "$dir/oprf-passphrases.txt"
  local holders i
  holders="$(for i in $(seq "$keyholders"); do printf 'blindmatch://%s/keyholder/keyholder-%s\n' "$federation" "$i"; done | paste -sd,)"
  "$bm" oprf ceremony --threshold "$threshold" --keyholders "$keyholders" --epoch 1 \
    --holders "$holders" --out "$dir/oprf" --passphrases "$dir/oprf-passphrases.txt" >/dev/null
  rm -f "$dir/oprf-passphrases.txt"
  mkdir -p "$dir/clearinghouse"
  render "$conf/clearinghouse.yaml" "$(config_of clearinghouse)" \
    "federation=$federation" "listen=127.0.0.1:$base" "data_dir=data" \
    "  ca=../pki/ca.crt" "  cert=../pki/clearinghouse.crt" "  key=../pki/clearinghouse.key" \
    "  revocations=../pki/ca.crl" \
    "signing_keyset=../pki/clearinghouse.signing.json" "passphrase_file=../passphrase.txt" \
    "scope=../scope.yaml" "accepted_key_ids=[$key_id]" \
    "oprf_public_keys=[../oprf/oprf-public.epoch-1.json]" "health_listen=127.0.0.1:$((base + 10))" \
    "metrics_listen=127.0.0.1:$((base + 20))"
  for i in $(seq "$keyholders"); do
    mkdir -p "$dir/keyholder-$i"
    render "$conf/keyholder.yaml" "$(config_of "keyholder-$i")" \
      "federation=$federation" "listen=127.0.0.1:$((base + i))" "data_dir=data" \
      "  ca=../pki/ca.crt" "  cert=../pki/keyholder-$i.crt" "  key=../pki/keyholder-$i.key" \
      "  revocations=../pki/ca.crl" \
      "passphrase_file=../passphrase.txt" "share=../oprf/keyholder-$i.epoch-1.share" \
      "public_key=../oprf/oprf-public.epoch-1.json" "health_listen=127.0.0.1:$((base + 10 + i))" \
      "metrics_listen=127.0.0.1:$((base + 20 + i))"
  done
  echo "$base" > "$dir/base-port"
  touch "$dir/.initialised"
}

start() {
  local s="$1" log="$dir/logs/$1.log"
  echo "--- $(date -u +%FT%TZ) starting $s" >> "$log"
  BLINDMATCH_JAVA_OPTS="$server_opts" setsid "$bm" serve "$(role_of "$s")" \
    --config "$(config_of "$s")" >> "$log" 2>&1 < /dev/null &
  echo $! > "$dir/run/$s.pid"
}

# healthy SERVER [SECONDS]: one gRPC health check with that deadline (default 3 s).
healthy() {
  "$bm" health "$(role_of "$1")" --config "$(config_of "$1")" --timeout-seconds "${2:-3}" \
    >/dev/null 2>&1
}

await() {
  local s="$1" deadline=$((SECONDS + wait_s))
  # A check's own deadline is not what decides: on a loaded machine a cold client JVM can
  # need more than 3 s for its first call, so while waiting each check may take a minute.
  until healthy "$s" 60; do
    alive "$s" || { tail -n 20 "$dir/logs/$s.log" >&2; die "$s exited; log: $dir/logs/$s.log"; }
    [ "$SECONDS" -lt "$deadline" ] || die "$s not healthy within $wait_s s (FEDERATION_START_TIMEOUT); log: $dir/logs/$s.log"
    sleep 0.5
  done
}

stop() {
  local s="$1" p
  p="$(pid_of "$s")"
  if alive "$s"; then
    kill -TERM "$p"
    local deadline=$((SECONDS + wait_s))
    while kill -0 "$p" 2>/dev/null; do
      [ "$SECONDS" -lt "$deadline" ] || die "$s (pid $p) still running $wait_s s after SIGTERM"
      sleep 0.2
    done
    echo "$s stopped (pid $p)"
  fi
  rm -f "$dir/run/$s.pid"
}

status_line() {
  local s="$1" health
  if ! alive "$s"; then
    printf '%-14s stopped\n' "$s"
    return 1
  fi
  if healthy "$s"; then health=SERVING; else health="NOT HEALTHY"; fi
  printf '%-14s pid %-7s 127.0.0.1:%-6s %-11s log %s\n' "$s" "$(pid_of "$s")" "$(port_of "$s")" \
    "$health" "$dir/logs/$s.log"
  [ "$health" = SERVING ]
}

if [ -f "$dir/base-port" ]; then base="$(cat "$dir/base-port")"; fi
# The servers a command acts on: those named, else all (down: keyholders first).
if [ "${#named[@]}" -gt 0 ]; then
  targets=("${named[@]}")
elif [ "$cmd" = down ]; then
  targets=(keyholder-3 keyholder-2 keyholder-1 clearinghouse)
else
  targets=("${servers[@]}")
fi
case "$cmd" in
  up)
    [ -f "$dir/.initialised" ] || init
    for s in "${targets[@]}"; do alive "$s" || start "$s"; done
    for s in "${targets[@]}"; do
      await "$s"
      printf '%-14s pid %-7s 127.0.0.1:%-6s SERVING\n' "$s" "$(pid_of "$s")" "$(port_of "$s")"
    done
    echo "federation $federation is up in $dir (profiles: $dir/profiles, token keyset: $dir/token-keys.json)"
    ;;
  down)
    for s in "${targets[@]}"; do stop "$s"; done
    ;;
  status)
    [ -f "$dir/.initialised" ] || die "$dir holds no federation (run up first)"
    rc=0
    for s in "${servers[@]}"; do status_line "$s" || rc=3; done
    exit "$rc"
    ;;
esac

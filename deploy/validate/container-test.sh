#!/usr/bin/env bash
# The container files' promises, kept without a Docker engine (run by `mvn -B verify` in the
# deploy module after the archive is built; or by hand, as root:
# deploy/validate/container-test.sh ARCHIVE [DIR]).
#
# 1. As the image runs them: each server of deploy/compose.yaml (the clearinghouse and
#    keyholder-1) runs the distribution archive's bin/blindmatch, unpacked at /opt as the
#    Dockerfile does, as uid/gid 10001 with no capabilities, on a read-only root file system
#    with only the writable mounts compose.yaml declares (the data volume at /var/lib/blindmatch
#    and a tmpfs /tmp), its config from deploy/compose/, its secrets as files under
#    /run/secrets, in a network namespace of its own. It must start and answer the compose
#    healthcheck's command, run the same way. Built with a mount namespace, bind mounts and
#    chroot: the same kernel mechanisms a container runtime uses, minus the image.
# 2. The secrets as `pki` writes them (mode 0600, owned by whoever ran it) are unreadable to
#    uid 10001: the server must say so in one line naming the file; after the step compose.yaml
#    documents (chgrp 10001, chmod 0440) it starts.
# 3. Every server config in conf/ starts as shipped: each is copied unchanged next to the files
#    it names (relative paths, as the comments in it say) and started; then node.profile.yaml,
#    unchanged, is used by a client to reach that clearinghouse (clearinghouse.example.org
#    resolves to loopback inside the namespace).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deploy="$here/.."
archive="${1:?usage: container-test.sh ARCHIVE [DIR]}"
[ "$(id -u)" = 0 ] || {
  echo "container-test: needs root (mount and network namespaces, chroot, uid 10001);" \
    "run it as root, as .ci/run does" >&2
  exit 1
}
for tool in unshare chroot ip mount tar; do
  command -v "$tool" > /dev/null || { echo "container-test: needs $tool" >&2; exit 1; }
done
dir="${2:-$(mktemp -d "${TMPDIR:-/tmp}/blindmatch-container.XXXXXX")}"
if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
  [ -f "$dir/.blindmatch-container-test" ] || {
    echo "container-test: $dir is not empty and not an earlier run" >&2; exit 2; }
  # An earlier run's namespaces died with it; its mounts were never in this namespace.
  rm -rf "$dir"
fi
mkdir -p "$dir"
touch "$dir/.blindmatch-container-test"
# One setting bounds every wait (a slow, loaded machine only makes the test slower).
timeout_s="${BLINDMATCH_TEST_TIMEOUT:-900}"
started=$SECONDS
step() { echo "container-test [$((SECONDS - started))s] $*"; }
fail() { echo "container-test FAILED: $*" >&2; exit 1; }

# The image: the archive unpacked at /opt, /opt/blindmatch -> blindmatch-<version> (Dockerfile).
image="$dir/image"
mkdir -p "$image/opt"
tar -xzf "$archive" -C "$image/opt"
version_dir="$(cd "$image/opt" && ls -d blindmatch-*/ | head -1)"
version_dir="${version_dir%/}"
[ -x "$image/opt/$version_dir/bin/blindmatch" ] || fail "$archive has no bin/blindmatch"
ln -s "$version_dir" "$image/opt/blindmatch"
bm="$image/opt/blindmatch/bin/blindmatch"

# Installed like a tool: a symlink to the launcher (and a symlink to that) runs it.
step "the launcher through symlinks; --help lists exit statuses; completion"
mkdir -p "$dir/usr-local-bin" "$dir/elsewhere"
ln -s "$image/opt/blindmatch/bin/blindmatch" "$dir/elsewhere/bm-link"
ln -s ../elsewhere/bm-link "$dir/usr-local-bin/blindmatch"
"$dir/usr-local-bin/blindmatch" --help > "$dir/help.txt" 2>&1 || { cat "$dir/help.txt" >&2; fail "the launcher through two symlinks"; }
grep -q "^Exit status:" "$dir/help.txt" || fail "--help does not list the exit statuses"
grep -q "70" "$dir/help.txt" || fail "--help does not list exit status 70"
"$dir/usr-local-bin/blindmatch" generate-completion > "$dir/completion.bash"
grep -q "complete -F" "$dir/completion.bash" || fail "generate-completion printed no bash completion"
bash -n "$dir/completion.bash" || fail "the completion script does not parse"
(cd "$image/opt/blindmatch" && ./blindmatch --version > /dev/null) || fail "./blindmatch in the distribution directory"

# The federation's files, made as an operator would (the development shortcut `pki issue`,
# which the README documents as such, and the dealer ceremony: start-up is what is tested).
step "making certificates, keys and an oprf epoch"
m="$dir/materials"
mkdir -p "$m"
(umask 077; head -c 24 /dev/urandom | base64 > "$m/ca.pass"; head -c 24 /dev/urandom | base64 > "$m/node.pass")
"$bm" pki init --federation sea --dir "$m/pki" --passphrase-file "$m/ca.pass" > /dev/null
for node in "clearinghouse clearinghouse" "keyholder keyholder-1"; do
  set -- $node
  "$bm" pki issue --dir "$m/pki" --role "$1" --name "$2" --dns localhost \
    --dns clearinghouse.example.org --ip 127.0.0.1 --passphrase-file "$m/ca.pass" \
    --node-passphrase-file "$m/node.pass" > /dev/null
done
"$bm" pki issue --dir "$m/pki" --role platform --name platform-a --passphrase-file "$m/ca.pass" \
  --node-passphrase-file "$m/node.pass" > /dev/null
"$bm" pki crl --dir "$m/pki" --passphrase-file "$m/ca.pass" > /dev/null
for _ in 1 2 3; do cat "$m/node.pass"; done > "$m/oprf.pass"
holders="$(for i in 1 2 3; do printf 'blindmatch://sea/keyholder/keyholder-%s\n' "$i"; done | paste -sd,)"
"$bm" oprf ceremony --threshold 2 --keyholders 3 --epoch 1 --holders "$holders" \
  --out "$m/oprf" --passphrases "$m/oprf.pass" > /dev/null

# ./secrets as compose.yaml names them, with the modes pki wrote (0600, root).
secrets="$dir/secrets"
mkdir -p "$secrets"
cp -p "$m/pki/ca.crt" "$m/pki/ca.crl" "$m/pki/clearinghouse.crt" "$m/pki/clearinghouse.key" \
  "$m/pki/clearinghouse.signing.json" "$m/pki/keyholder-1.crt" "$m/pki/keyholder-1.key" \
  "$m/oprf/keyholder-1.epoch-1.share" "$m/oprf/oprf-public.epoch-1.json" "$secrets/"
cp -p "$m/node.pass" "$secrets/clearinghouse.passphrase"
cp -p "$m/node.pass" "$secrets/keyholder-1.passphrase"
chmod 0600 "$secrets"/*
chown root:root "$secrets"/*
for svc in clearinghouse keyholder-1; do
  mkdir -p "$dir/data-$svc"
  chown 10001:10001 "$dir/data-$svc"
done

# Everything below runs in new mount and network namespaces: the roots, binds and listeners
# vanish with them.
export dir deploy image secrets timeout_s version_dir m
unshare --mount --net --fork bash -s <<'INNER'
set -euo pipefail
started=$SECONDS
step() { echo "container-test [ns] $*"; }
fail() { echo "container-test FAILED: $*" >&2; exit 1; }
mount --make-rprivate /
ip link set lo up

# bind SRC DST [rw]: a bind mount, read-only unless rw.
bind() {
  if [ -d "$1" ]; then mkdir -p "$2"; else mkdir -p "$(dirname "$2")"; touch "$2"; fi
  mount --bind "$1" "$2"
  [ "${3:-ro}" = rw ] || mount -o remount,bind,ro "$2"
}

# make_root NAME SERVICE_CONFIG SECRET...: a container root for one compose service.
make_root() {
  local name="$1" config="$2" r="$dir/root-$1"; shift 2
  mkdir -p "$r"
  mount -t tmpfs -o size=64m,mode=0755 "root-$name" "$r"
  bind /usr "$r/usr"
  for d in bin lib lib64 sbin; do
    if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$r/$d"; elif [ -d "/$d" ]; then bind "/$d" "$r/$d"; fi
  done
  # /etc: a copy (the image has its own), plus the service's config files.
  mkdir -p "$r/etc"
  cp -a /etc/. "$r/etc/"
  printf '127.0.0.1 localhost clearinghouse.example.org\n::1 localhost\n' > "$r/etc/hosts"
  bind "$deploy/compose/$config" "$r/etc/blindmatch/$(basename "$config" | sed 's/-[0-9]*\.yaml$/.yaml/')"
  bind "$deploy/../examples/scope.yaml" "$r/etc/blindmatch/scope.yaml"
  bind "$image/opt/$version_dir" "$r/opt/$version_dir"
  ln -s "$version_dir" "$r/opt/blindmatch"
  local s
  for s in "$@"; do bind "$secrets/$s" "$r/run/secrets/$s"; done
  # The only writable mounts compose.yaml declares: the data volume and a tmpfs /tmp.
  bind "$dir/data-$name" "$r/var/lib/blindmatch" rw
  mkdir -p "$r/tmp"
  mount -t tmpfs -o rw,exec,nosuid,nodev,size=256m,mode=1777 "tmp-$name" "$r/tmp"
  mkdir -p "$r/proc" "$r/sys" "$r/dev"
  mount -t proc proc "$r/proc"
  bind /sys "$r/sys"
  for d in null zero random urandom; do bind "/dev/$d" "$r/dev/$d" rw; done
  mount -o remount,ro "$r"
  # The root is read-only: nothing outside the data volume and /tmp can be written.
  if chroot "$r" sh -c 'echo x > /etc/blindmatch/probe' 2>/dev/null; then
    fail "$name: the root file system is writable"
  fi
}

# in_container NAME CMD...: CMD as the image's user, environment and working directory. It
# replaces the calling shell: call it in a subshell, so that a background job's $! is the
# server itself.
in_container() {
  local name="$1"; shift
  exec chroot --userspec=10001:10001 --groups=10001 "$dir/root-$name" /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/blindmatch \
    BLINDMATCH_JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    sh -c 'cd /var/lib/blindmatch && exec "$@"' sh "$@"
}

# await_line LOG PID PATTERN: until the server prints PATTERN, or exits (then fail).
await_line() {
  local log="$1" pid="$2" pattern="$3" deadline=$((SECONDS + timeout_s))
  until grep -q "$pattern" "$log"; do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$log: the server exited before \"$pattern\""; }
    [ "$SECONDS" -lt "$deadline" ] || { cat "$log" >&2; fail "$log: no \"$pattern\" within ${timeout_s}s (BLINDMATCH_TEST_TIMEOUT)"; }
    sleep 0.5
  done
}

# healthcheck NAME ROLE: the compose healthcheck's command, retried as Docker retries it (on
# a loaded machine one attempt may miss its 25 s deadline; the overall timeout decides).
healthcheck() {
  local name="$1" role="$2" deadline=$((SECONDS + timeout_s))
  until ( in_container "$name" env "BLINDMATCH_JAVA_OPTS=-Xmx64m -XX:TieredStopAtLevel=1" \
      /opt/blindmatch/bin/blindmatch health "$role" --config "/etc/blindmatch/$role.yaml" \
      --timeout-seconds 25 ); do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 2
  done
}

make_root clearinghouse clearinghouse.yaml ca.crt ca.crl clearinghouse.crt clearinghouse.key \
  clearinghouse.signing.json clearinghouse.passphrase
make_root keyholder-1 keyholder-1.yaml ca.crt ca.crl keyholder-1.crt keyholder-1.key \
  keyholder-1.epoch-1.share keyholder-1.passphrase oprf-public.epoch-1.json

step "secrets as pki wrote them (0600, root): the server must name the unreadable file"
set +e
out="$( in_container clearinghouse /opt/blindmatch/bin/blindmatch serve clearinghouse \
  --config /etc/blindmatch/clearinghouse.yaml 2>&1)"
rc=$?
set -e
echo "$out" | sed 's/^/  | /'
[ "$rc" = 1 ] || fail "unreadable secrets: exit $rc, expected 1"
echo "$out" | grep -q "/run/secrets/" || fail "unreadable secrets: the message names no file"
echo "$out" | grep -q "permission denied" || fail "unreadable secrets: the message does not say permission denied"
! echo "$out" | grep -q "^\s*at [a-z]" || fail "unreadable secrets: a stack trace"

step "the documented step: chgrp 10001, chmod 0440"
chgrp 10001 "$secrets"/*
chmod 0440 "$secrets"/*

for svc in "clearinghouse clearinghouse" "keyholder-1 keyholder"; do
  set -- $svc
  step "$1: serve $2 as uid 10001 on a read-only root"
  ( in_container "$1" /opt/blindmatch/bin/blindmatch serve "$2" \
    --config "/etc/blindmatch/$2.yaml" ) > "$dir/$1.log" 2>&1 &
  echo $! > "$dir/$1.pid"
  await_line "$dir/$1.log" "$(cat "$dir/$1.pid")" "listening on port"
  step "$1: the compose healthcheck"
  healthcheck "$1" "$2" > "$dir/$1.health" 2>&1 || { cat "$dir/$1.health" >&2; fail "$1: the healthcheck failed"; }
  sed 's/^/  | /' "$dir/$1.health"
done
for svc in clearinghouse keyholder-1; do
  pid="$(cat "$dir/$svc.pid")"
  kill -TERM "$pid"
  wait "$pid" || true
  [ -n "$(find "$dir/data-$svc" -mindepth 1 -user 10001 | head -1)" ] \
    || fail "$svc: wrote nothing to its data volume as uid 10001"
done

step "conf/ as shipped: each server config copied unchanged next to the files it names"
conf="$image/opt/blindmatch/conf"
bm="$image/opt/blindmatch/bin/blindmatch"
# Host names as the shipped files name them resolve to this namespace's loopback.
printf '127.0.0.1 localhost clearinghouse.example.org\n::1 localhost\n' > "$dir/hosts"
mount --bind "$dir/hosts" /etc/hosts
for role in clearinghouse keyholder; do
  c="$dir/conf-as-shipped/$role"
  mkdir -p "$c/pki"
  cp "$conf/$role.yaml" "$conf/scope.yaml" "$c/"
  cp "$m/pki/ca.crt" "$m/pki/ca.crl" "$c/pki/"
  cp "$m/node.pass" "$c/passphrase.txt"
  if [ "$role" = clearinghouse ]; then
    cp "$m/pki/clearinghouse."{crt,key,signing.json} "$c/pki/"
  else
    cp "$m/pki/keyholder-1."{crt,key} "$c/pki/"
    cp "$m/oprf/keyholder-1.epoch-1.share" "$m/oprf/oprf-public.epoch-1.json" "$c/"
  fi
  (cd "$c" && exec "$bm" serve "$role" --config "$role.yaml") > "$dir/conf-$role.log" 2>&1 &
  echo $! > "$dir/conf-$role.pid"
  await_line "$dir/conf-$role.log" "$(cat "$dir/conf-$role.pid")" "listening on port"
  (cd "$c" && "$bm" health "$role" --config "$role.yaml" --timeout-seconds "$timeout_s") > "$dir/conf-$role.health" 2>&1 \
    || { cat "$dir/conf-$role.health" >&2; fail "conf/$role.yaml: health failed"; }
  sed 's/^/  | /' "$dir/conf-$role.health"
done
step "conf/node.profile.yaml as shipped: a platform lists its runs at that clearinghouse"
c="$dir/conf-as-shipped/platform-a"
mkdir -p "$c/pki"
cp "$conf/node.profile.yaml" "$c/"
cp "$m/pki/ca.crt" "$m/pki/platform-a."{crt,key,signing.json} "$c/pki/"
cp "$m/node.pass" "$c/passphrase.txt"
(cd "$c" && "$bm" results list --profile node.profile.yaml) > "$dir/conf-profile.log" 2>&1 \
  || { cat "$dir/conf-profile.log" >&2; fail "conf/node.profile.yaml: results list through it failed"; }
sed 's/^/  | /' "$dir/conf-profile.log"
for role in clearinghouse keyholder; do
  pid="$(cat "$dir/conf-$role.pid")"
  kill -TERM "$pid"
  wait "$pid" || true
done
step "done"
INNER
step "PASSED"

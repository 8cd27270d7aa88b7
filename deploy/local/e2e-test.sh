#!/usr/bin/env bash
# End-to-end test of the distribution through federation.sh (run by `mvn -B verify` in the
# deploy module after the assembly is built; or by hand: deploy/local/e2e-test.sh [DIR]).
#
# From a fresh state directory: the federation comes up (clearinghouse + three keyholders, each
# its own process, healthy); three platforms and one NGO submit (hmac mode) as separate client
# processes; a match run; every party's results are checked against what was planted; an
# auditor runs `audit verify`. Then a large upload is interrupted by SIGKILL of the
# clearinghouse once some of its chunks are durable, the clearinghouse is restarted through
# federation.sh, and the test checks that nothing committed was lost (same submissions, same
# results, the log consistent with the head verified before the crash) and that the same
# submit command resumes the interrupted upload and commits it. Finally `down` stops everything.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fed="$here/federation.sh"
if [ -x "$here/../bin/blindmatch" ]; then bm="$here/../bin/blindmatch"; else bm="$here/../target/blindmatch/bin/blindmatch"; fi
dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/blindmatch-e2e.XXXXXX")}"
if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
  [ -f "$dir/.blindmatch-e2e" ] || { echo "e2e: $dir is not empty and not an earlier e2e run" >&2; exit 2; }
  "$here/federation.sh" --dir "$dir/federation" down >/dev/null 2>&1 || true
  rm -rf "$dir"
fi
mkdir -p "$dir"
touch "$dir/.blindmatch-e2e"
w="$dir/work"
mkdir -p "$w"
started=$SECONDS
step() { echo "e2e [$((SECONDS - started))s] $*"; }
fail() { echo "e2e FAILED: $*" >&2; exit 1; }
cleanup() {
  local rc=$?
  "$fed" --dir "$dir/federation" down >/dev/null 2>&1 || true
  if [ "$rc" -ne 0 ]; then
    for f in "$dir"/federation/logs/*.log; do echo "--- $f"; tail -n 30 "$f"; done >&2 2>/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT

free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 50); do
  base=$((20000 + RANDOM % 20000))
  ok=1
  for p in $base $((base + 1)) $((base + 2)) $((base + 3)) $((base + 10)) $((base + 11)) \
      $((base + 12)) $((base + 13)) $((base + 20)) $((base + 21)) $((base + 22)) \
      $((base + 23)); do free "$p" || ok=0; done
  [ "$ok" = 1 ] && break
done

step "federation up in $dir/federation (base port $base)"
"$fed" --dir "$dir/federation" --base-port "$base" up
F="$dir/federation"
P="$F/profiles"
pass=(--passphrase-file "$F/passphrase.txt")
"$fed" --dir "$F" status > "$w/status.txt" || fail "status after up: $(cat "$w/status.txt")"
[ "$(grep -c ' SERVING ' "$w/status.txt")" = 4 ] || fail "not all four servers SERVING"
[ "$(awk '{print $3}' "$w/status.txt" | sort -u | wc -l)" = 4 ] || fail "servers must be four processes"

step "three platforms and an NGO submit (hmac mode), each as its own client process"
cat > "$w/watchlist.csv" <<'CSV'
label,ip,start,end
KK Park,45.77.10.0/30,2026-03-01T00:00:00Z,2026-03-01T23:59:59Z
Shwe Kokko,45.77.20.5,2026-03-02T00:00:00Z,2026-03-02T12:00:00Z
CSV
for p in a b c; do
  # M1, M2: IP and time match; T1: the IP matches outside the window (ip-only); N1: no match.
  cat > "$w/$p.csv" <<CSV
record_id,ip,timestamp
$p-M1,45.77.10.1,2026-03-01T10:00:00Z
$p-M2,45.77.20.5,2026-03-02T03:00:00Z
$p-T1,45.77.10.2,2026-03-05T10:00:00Z
$p-N1,45.77.99.1,2026-03-01T10:00:00Z
CSV
done
submit() { # profile kind csv id
  "$bm" submit --profile "$P/$1.profile.yaml" "--$2" "$w/$3" --scope "$F/scope.yaml" \
    --keyset "$F/token-keys.json" --id "$4" "${pass[@]}" > "$w/$4.submit.txt" 2>&1
}
submit platform-a reports a.csv a1 & pa=$!
submit platform-b reports b.csv b1 & pb=$!
wait "$pa" || fail "platform-a submit: $(cat "$w/a1.submit.txt")"
wait "$pb" || fail "platform-b submit: $(cat "$w/b1.submit.txt")"
submit platform-c reports c.csv c1 & pc=$!
submit ngo-watch watchlist watchlist.csv ngo1 & pn=$!
wait "$pc" || fail "platform-c submit: $(cat "$w/c1.submit.txt")"
wait "$pn" || fail "ngo submit: $(cat "$w/ngo1.submit.txt")"

step "match run and results"
"$bm" match run --profile "$P/operator.profile.yaml" --scope sea-compounds-2026 > "$w/run.txt"
run="$(awk '$1 == "run" { print $2 }' "$w/run.txt")"
[ -n "$run" ] || fail "no run id: $(cat "$w/run.txt")"
results() { # profile map out
  "$bm" results get --profile "$P/$1.profile.yaml" --run "$run" --map "$2" --out "$3" \
    > /dev/null 2>&1 || fail "results get for $1"
}
for p in a b c; do
  results "platform-$p" "$w/$p.csv.bmt.map.csv" "$w/$p.results.csv"
  got="$(tail -n +2 "$w/$p.results.csv" | cut -d, -f1,2 | sort | tr '\n' ' ')"
  want="$p-M1,ip+hour $p-M1,ip-only $p-M2,ip+hour $p-M2,ip-only $p-T1,ip-only "
  [ "$got" = "$want" ] || fail "platform-$p results: got \"$got\", want \"$want\""
done
results ngo-watch "$w/watchlist.csv.bmt.map.csv" "$w/ngo.results.csv"
got="$(tail -n +2 "$w/ngo.results.csv" | sort | tr '\n' ' ')"
want="KK Park,ip+hour,3,3 KK Park,ip-only,6,3 Shwe Kokko,ip+hour,3,3 Shwe Kokko,ip-only,3,3 "
[ "$got" = "$want" ] || fail "NGO results: got \"$got\", want \"$want\""

step "audit verify"
"$bm" audit verify --profile "$P/auditor.profile.yaml" --state "$w/auditor-state.pb" \
  > "$w/audit1.txt" || fail "audit verify"

step "clearinghouse metrics"
scrape() { # port: GET /metrics over HTTP/1.0 (the server closes the connection)
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  cat <&3
  exec 3<&-
}
scrape $((base + 20)) > "$w/metrics.txt"
series() { awk -v s="$1" 'index($0, s) == 1 { print $NF + 0 }' "$w/metrics.txt"; }
commits="blindmatch_grpc_server_calls_total{code=\"OK\",method=\"blindmatch.v1.SubmissionService/Commit\"}"
[ "$(series "$commits")" = 4 ] || fail "metrics: 4 commits expected: $(grep Commit "$w/metrics.txt")"
[ "$(series "blindmatch_submission_records_count ")" = 4 ] || fail "metrics: committed submissions"
[ "$(series "blindmatch_store_committed_submissions ")" = 4 ] || fail "metrics: store gauge"
! grep -q 'platform-\|ngo-watch\|blindmatch://' "$w/metrics.txt" || fail "metrics name a participant"
"$bm" admin submissions --profile "$P/operator.profile.yaml" > "$w/submissions-before.csv"

step "a large upload, interrupted by SIGKILL of the clearinghouse"
awk 'BEGIN { print "record_id,ip,timestamp";
  for (i = 0; i < 400000; i++)
    printf "big-%d,46.%d.%d.%d,2026-03-%02dT%02d:00:00Z\n", i, int(i / 65536) % 200 + 1,
      int(i / 256) % 256, i % 256, i % 28 + 1, i % 24 }' > "$w/big.csv"
"$bm" tokenize --reports "$w/big.csv" --scope "$F/scope.yaml" --keyset "$F/token-keys.json" \
  --out "$w/big.bmt" --no-progress "${pass[@]}" > "$w/big.tokenize.txt" 2>&1 \
  || fail "tokenize: $(cat "$w/big.tokenize.txt")"
chunk=990000
total=$(stat -c %s "$w/big.bmt")
staged() { # the upload's staged file (named <submitter hash>.<id>.part)
  local f; for f in "$F"/clearinghouse/data/staging/*.c-big.part; do [ -e "$f" ] && echo "$f"; done
}
size() { local f; f="$(staged)"; if [ -n "$f" ]; then stat -c %s "$f"; else echo 0; fi; }
big_args=(submit --profile "$P/platform-c.profile.yaml" --tokens "$w/big.bmt" --id c-big "${pass[@]}")
# The client is frozen (SIGSTOP) as soon as its upload exists on the server, and thawed for
# moments until at least one chunk is durable: the kill then lands mid-upload for sure.
"$bm" "${big_args[@]}" > "$w/big.submit1.txt" 2>&1 & sp=$!
deadline=$((SECONDS + 180))
until [ -n "$(staged)" ]; do
  kill -0 "$sp" 2>/dev/null || fail "the upload ended before it could be interrupted: $(cat "$w/big.submit1.txt")"
  [ "$SECONDS" -lt "$deadline" ] || fail "the upload did not start within 180 s"
  sleep 0.02
done
kill -STOP "$sp"
sleep 1
while [ "$(size)" -lt "$chunk" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "no chunk became durable"
  kill -CONT "$sp"; sleep 0.05; kill -STOP "$sp"; sleep 1
done
durable=$(size)
[ "$durable" -lt "$total" ] || fail "the whole upload arrived before the kill"
kill -9 "$(cat "$F/run/clearinghouse.pid")"
kill -CONT "$sp"
if wait "$sp"; then fail "the interrupted submit must fail"; fi
step "killed with $durable of $total bytes of the upload durable; restarting through federation.sh"
"$fed" --dir "$F" status > /dev/null && fail "status must report the killed clearinghouse"
"$fed" --dir "$F" up > "$w/up2.txt" || fail "restart: $(cat "$w/up2.txt")"

step "nothing committed was lost"
"$bm" admin submissions --profile "$P/operator.profile.yaml" > "$w/submissions-after.csv"
diff "$w/submissions-before.csv" "$w/submissions-after.csv" \
  || fail "the committed submissions changed across the crash"
for p in a b c; do
  results "platform-$p" "$w/$p.csv.bmt.map.csv" "$w/$p.results-after.csv"
  cmp -s "$w/$p.results.csv" "$w/$p.results-after.csv" || fail "platform-$p results changed"
done
"$bm" audit verify --profile "$P/auditor.profile.yaml" --state "$w/auditor-state.pb" \
  > "$w/audit2.txt" || fail "audit verify after the crash (consistency with the head before)"
[ "$(size)" -ge "$chunk" ] && [ $(( $(size) % chunk )) = 0 ] \
  || fail "the acknowledged chunks of the interrupted upload were not kept (staged: $(size) bytes)"

step "the same submit command resumes the upload and commits it"
"$bm" "${big_args[@]}" > "$w/big.submit2.txt" 2>&1 || fail "resumed submit: $(cat "$w/big.submit2.txt")"
records="$(awk '$1 == "records" { print $2 }' "$w/big.submit2.txt")"
"$bm" admin submissions --profile "$P/operator.profile.yaml" > "$w/submissions-final.csv"
grep -q "^c-big,blindmatch://local/platform/platform-c,report,[0-9]*,$records," \
  "$w/submissions-final.csv" || fail "c-big not committed with $records records"
[ -z "$(staged)" ] || fail "staging file left after the commit"
"$bm" audit verify --profile "$P/auditor.profile.yaml" --state "$w/auditor-state.pb" \
  > "$w/audit3.txt" || fail "audit verify after the resumed upload"

step "logs: no stack trace, no address from the inputs"
if grep -l $'\tat \|45\.77\.\|46\.1\.' "$F"/logs/*.log; then fail "a log has a stack trace or an address"; fi

step "down"
"$fed" --dir "$F" down
if "$fed" --dir "$F" status > "$w/status-down.txt"; then fail "status must fail when down"; fi
[ "$(grep -c ' stopped$' "$w/status-down.txt")" = 4 ] || fail "not all stopped: $(cat "$w/status-down.txt")"
step "passed ($durable of $total bytes were durable at the kill)"

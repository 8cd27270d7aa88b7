#!/usr/bin/env bash
# End-to-end test of the distribution through federation.sh (run by `mvn -B verify` in the
# deploy module after the assembly is built; or by hand: deploy/local/e2e-test.sh [DIR]).
#
# From a fresh state directory: the federation comes up (clearinghouse + three keyholders, each
# its own process, healthy); three platforms and one NGO submit (hmac mode) as separate client
# processes; a match run; every party's results are checked against what was planted; an
# auditor runs `audit verify`. Then the same parties submit the same events again in oprf mode
# through the three keyholder processes (threshold 2 of 3, each pair of keyholders serving some
# submission; two submissions with keyholder-1 stopped, which the client names in its warning),
# a second match run's results are checked against the same plan, keyholder-1 comes back, the
# keyholders' ledgers (`keyholder counts`, as the auditor) and /metrics counters are checked
# against what each client asked, and the auditor runs `audit verify --replay`. Then a large
# upload is interrupted by SIGKILL of the clearinghouse once some of its chunks are durable, the
# clearinghouse is restarted through federation.sh, and the test checks that nothing committed
# was lost (same submissions, same results, the log consistent with the head verified before
# the crash) and that the same submit command resumes the interrupted upload and commits it.
# Finally `down` stops everything.
set -euo pipefail
# Test settings: every wait below is for an event, bounded by one generous timeout
# (BLINDMATCH_TEST_TIMEOUT seconds, default 600); keys use the test KDF profile (cheap
# parameters, announced on stderr at each write; docs/THREAT_MODEL.md) since this scenario is
# not about the KDF.
timeout_s="${BLINDMATCH_TEST_TIMEOUT:-600}"
export FEDERATION_START_TIMEOUT="$timeout_s"
export BLINDMATCH_JAVA_OPTS="${BLINDMATCH_JAVA_OPTS:--Xmx1g} -Dblindmatch.insecure-test-kdf=true"
export FEDERATION_SERVER_JAVA_OPTS="${FEDERATION_SERVER_JAVA_OPTS:--Xmx384m} -Dblindmatch.insecure-test-kdf=true"
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
  # A keyholder restart still in flight would start its server after the `down` below.
  [ -z "${pk:-}" ] || wait "$pk" 2>/dev/null || true
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
series() { awk -v s="$1" 'index($0, s) == 1 { print $NF + 0 }' "${2:-$w/metrics.txt}"; }
commits="blindmatch_grpc_server_calls_total{code=\"OK\",method=\"blindmatch.v1.SubmissionService/Commit\"}"
[ "$(series "$commits")" = 4 ] || fail "metrics: 4 commits expected: $(grep Commit "$w/metrics.txt")"
[ "$(series "blindmatch_submission_records_count ")" = 4 ] || fail "metrics: committed submissions"
[ "$(series "blindmatch_store_committed_submissions ")" = 4 ] || fail "metrics: store gauge"
! grep -q 'platform-\|ngo-watch\|blindmatch://' "$w/metrics.txt" || fail "metrics name a participant"

step "oprf mode: platform-a and the NGO submit the same events through the keyholders (2 of 3)"
# The same planted events and watchlist under new names (tokenizing writes CSV.bmt and
# CSV.bmt.map.csv beside the CSV; the hmac leg's maps are needed again after the crash).
for p in a b c; do sed "s/^$p-/$p-oprf-/" "$w/$p.csv" > "$w/$p-oprf.csv"; done
cp "$w/watchlist.csv" "$w/watchlist-oprf.csv"
kh() { echo "127.0.0.1:$((base + $1))"; }  # keyholder-i's mTLS address
oprf_submit() { # profile kind csv id keyholders (in order of preference)
  "$bm" submit --profile "$P/$1.profile.yaml" "--$2" "$w/$3" --scope "$F/scope.yaml" \
    --mode oprf --keyholders "$5" --oprf-key "$F/oprf/oprf-public.epoch-1.json" --threshold 2 \
    --id "$4" > "$w/$4.submit.txt" 2>&1
}
evaluations() { awk '$1 == "evaluations" { print $2 }' "$w/$1.submit.txt"; }
oprf_check() { # id: tokenized in key epoch 1 (oprf) through the keyholders, then submitted
  grep -q '^key epoch    1 (oprf)$' "$w/$1.submit.txt" && grep -q "^submitted  $1 " "$w/$1.submit.txt" \
    && [ "$(evaluations "$1")" -gt 0 ] \
    || fail "$1: not submitted in oprf mode, epoch 1: $(cat "$w/$1.submit.txt")"
}
# A client asks the first two keyholders it lists that answer: platform-a uses keyholders 1
# and 2, the NGO 3 and 1, platform-b and -c (keyholder-1 stopped) 2 and 3. Every pair must
# give the same tokens for the planted matches to be found.
oprf_submit platform-a reports a-oprf.csv a2 "$(kh 1),$(kh 2),$(kh 3)" & pa=$!
oprf_submit ngo-watch watchlist watchlist-oprf.csv ngo2 "$(kh 3),$(kh 1),$(kh 2)" & pn=$!
wait "$pa" || fail "platform-a oprf submit: $(cat "$w/a2.submit.txt")"
wait "$pn" || fail "ngo oprf submit: $(cat "$w/ngo2.submit.txt")"
for id in a2 ngo2; do
  oprf_check "$id"
  ! grep -q '^warning:' "$w/$id.submit.txt" || fail "$id: keyholder warning with all three up: $(cat "$w/$id.submit.txt")"
done
scrape $((base + 21)) > "$w/metrics-keyholder-1.txt"   # its counters restart with the process

step "oprf mode: keyholder-1 stopped; platform-b and platform-c submit with the other two"
"$fed" --dir "$F" down keyholder-1 > /dev/null || fail "federation.sh down keyholder-1"
oprf_submit platform-b reports b-oprf.csv b2 "$(kh 1),$(kh 2),$(kh 3)" & pb=$!
oprf_submit platform-c reports c-oprf.csv c2 "$(kh 1),$(kh 2),$(kh 3)" & pc=$!
wait "$pb" || fail "platform-b oprf submit with keyholder-1 down: $(cat "$w/b2.submit.txt")"
wait "$pc" || fail "platform-c oprf submit with keyholder-1 down: $(cat "$w/c2.submit.txt")"
for id in b2 c2; do
  oprf_check "$id"
  grep -q "^warning: keyholder unavailable, continuing without it: $(kh 1): " "$w/$id.submit.txt" \
    || fail "$id: no warning naming the stopped keyholder-1 ($(kh 1)): $(cat "$w/$id.submit.txt")"
  [ "$(grep -c '^warning:' "$w/$id.submit.txt")" = 1 ] || fail "$id: warnings beyond keyholder-1: $(cat "$w/$id.submit.txt")"
done
for k in 2 3; do scrape $((base + 20 + k)) > "$w/metrics-keyholder-$k.txt"; done

step "oprf mode: keyholder-1 back; match run and results"
"$fed" --dir "$F" up keyholder-1 > "$w/up-keyholder-1.txt" 2>&1 & pk=$!
"$bm" match run --profile "$P/operator.profile.yaml" --scope sea-compounds-2026 > "$w/run2.txt" \
  || fail "second match run: $(cat "$w/run2.txt")"
run2="$(awk '$1 == "run" { print $2 }' "$w/run2.txt")"
[ -n "$run2" ] || fail "no run id: $(cat "$w/run2.txt")"
grep -q '^inputs     6 report, 2 watchlist submissions$' "$w/run2.txt" \
  || fail "the second run must join 6 report and 2 watchlist submissions: $(cat "$w/run2.txt")"
# The run joins each key epoch's submissions on their own: every party's results are the hmac
# leg's plus the same again for its oprf submission, and nothing matches across the modes.
results2() { # profile csv-prefix out: the second run's results with the hmac and oprf maps
  "$bm" results get --profile "$P/$1.profile.yaml" --run "$run2" --map "$w/$2.csv.bmt.map.csv" \
    --map "$w/$2-oprf.csv.bmt.map.csv" --out "$w/$3" > /dev/null 2>&1
}
results2 platform-a a a.results2.csv & ra=$!
results2 platform-b b b.results2.csv & rb=$!
wait "$ra" || fail "results get for platform-a (second run)"
wait "$rb" || fail "results get for platform-b (second run)"
results2 platform-c c c.results2.csv & rc=$!
results2 ngo-watch watchlist ngo.results2.csv & rn=$!
wait "$rc" || fail "results get for platform-c (second run)"
wait "$rn" || fail "results get for ngo-watch (second run)"
sorted() { tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' '; }
for p in a b c; do
  got="$(tail -n +2 "$w/$p.results2.csv" | cut -d, -f1,2 | sorted)"
  want="$(for r in "$p" "$p-oprf"; do echo "$r-M1,ip+hour $r-M1,ip-only $r-M2,ip+hour $r-M2,ip-only $r-T1,ip-only"; done | sorted)"
  [ "$got" = "$want" ] || fail "platform-$p results (second run): got \"$got\", want \"$want\""
done
got="$(tail -n +2 "$w/ngo.results2.csv" | sort | tr '\n' ' ')"
want="$(for _ in hmac oprf; do printf '%s\n' "KK Park,ip+hour,3,3" "KK Park,ip-only,6,3" \
  "Shwe Kokko,ip+hour,3,3" "Shwe Kokko,ip-only,3,3"; done | sort | tr '\n' ' ')"
[ "$got" = "$want" ] || fail "NGO results (second run): got \"$got\", want \"$want\""
wait "$pk" || fail "keyholder-1 restart: $(cat "$w/up-keyholder-1.txt")"

step "oprf mode: the keyholders' evaluation counts (ledger and metrics); audit verify --replay"
# Each keyholder evaluated exactly the distinct addresses of the submissions that used it, and
# its ledger counts them per caller identity (keyholder-1's across its restart).
"$bm" keyholder counts --profile "$P/auditor.profile.yaml" --keyholders "$(kh 1),$(kh 2),$(kh 3)" \
  --oprf-key "$F/oprf/oprf-public.epoch-1.json" > "$w/counts.csv" 2> "$w/counts.err" \
  || fail "keyholder counts: $(cat "$w/counts.err")"
uri() { echo "blindmatch://local/$1"; }
want="$(printf '%s\n' "share,keyholder,identity,epoch,evaluations" \
  "1,$(uri keyholder/keyholder-1),$(uri ngo/ngo-watch),1,$(evaluations ngo2)" \
  "1,$(uri keyholder/keyholder-1),$(uri platform/platform-a),1,$(evaluations a2)" \
  "2,$(uri keyholder/keyholder-2),$(uri platform/platform-a),1,$(evaluations a2)" \
  "2,$(uri keyholder/keyholder-2),$(uri platform/platform-b),1,$(evaluations b2)" \
  "2,$(uri keyholder/keyholder-2),$(uri platform/platform-c),1,$(evaluations c2)" \
  "3,$(uri keyholder/keyholder-3),$(uri ngo/ngo-watch),1,$(evaluations ngo2)" \
  "3,$(uri keyholder/keyholder-3),$(uri platform/platform-b),1,$(evaluations b2)" \
  "3,$(uri keyholder/keyholder-3),$(uri platform/platform-c),1,$(evaluations c2)")"
[ "$(cat "$w/counts.csv")" = "$want" ] \
  || fail "keyholder counts: got \"$(cat "$w/counts.csv")\", want \"$want\""
evaluated=("" $(( $(evaluations a2) + $(evaluations ngo2) ))
  $(( $(evaluations a2) + $(evaluations b2) + $(evaluations c2) ))
  $(( $(evaluations ngo2) + $(evaluations b2) + $(evaluations c2) )))
for k in 1 2 3; do
  m="$w/metrics-keyholder-$k.txt"
  got="$(series 'blindmatch_keyholder_evaluations_total{epoch="1"}' "$m")"
  [ "${evaluated[k]}" -gt 0 ] && [ "$got" = "${evaluated[k]}" ] \
    || fail "keyholder-$k metrics: \"$got\" elements evaluated, want ${evaluated[k]}"
  limited="$(series 'blindmatch_keyholder_rate_limited_total{epoch="1"}' "$m")"
  [ "${limited:-0}" = 0 ] || fail "keyholder-$k metrics: $limited calls rate-limited"
  ! grep -q 'platform-\|ngo-watch\|blindmatch://' "$m" || fail "keyholder-$k metrics name a participant"
done
"$bm" audit verify --profile "$P/auditor.profile.yaml" --state "$w/auditor-state.pb" --replay \
  > "$w/audit-oprf.txt" || fail "audit verify --replay after the oprf leg"
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
deadline=$((SECONDS + timeout_s))
until [ -n "$(staged)" ]; do
  kill -0 "$sp" 2>/dev/null || fail "the upload ended before it could be interrupted: $(cat "$w/big.submit1.txt")"
  [ "$SECONDS" -lt "$deadline" ] || fail "the upload did not start within $timeout_s s (BLINDMATCH_TEST_TIMEOUT)"
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

#!/usr/bin/env bash
# One smtp-source comparison with async-profiler in both Jameses, and the table of where each
# James's CPU went during the timed rounds (collapsed.py). From the project root, after
# `mvn -q -B -ntp -DskipTests package`:
#
#   benchmarks/profile/async-run.sh [3.8.1|3.9.0] [connection|session] [OUT]
#
# async-profiler (Maven Central's tools.profiler:async-profiler, Linux x64) samples each James's
# CPU every millisecond from its start, with the compiler tier of each Java frame ("ann"), and
# writes a file every 10 seconds, named by its local start time; only the files that lie wholly
# within the timed rounds are joined, so neither the warm-up nor James's shutdown is counted.
# Takes 5-8 minutes (longer with WARMUP, the driver's warmup=, 20000 unless set; James 3.8.1
# persistent sessions need WARMUP=80000 before its compiler is quiet). DRIVER_OPTS passes JVM options to the driver, for instance one of the
# configurations of smtp-source.md (options without spaces):
#
#   DRIVER_OPTS="-Dgatekeeper.policy=$PWD/benchmarks/conf/stamp-only-policy.xml -Dgatekeeper.handler.extra=<verifyMessages>false</verifyMessages>" \
#       benchmarks/profile/async-run.sh 3.9.0 connection
set -euo pipefail
read -r -a DRIVER_ARGS <<< "${DRIVER_OPTS:-}"
JAMES=${1:-3.8.1}
SHAPE=${2:-connection}
OUT=$(realpath -m "${3:-benchmarks/target/async-$JAMES-$SHAPE}")
CHUNK=10
AP_VERSION=4.1

rm -rf "$OUT" && mkdir -p "$OUT"
LIB=benchmarks/target/async-profiler/linux-x64/libasyncProfiler.so
if [ ! -f "$LIB" ]; then
  mvn -q -B -ntp dependency:copy -Dartifact=tools.profiler:async-profiler:$AP_VERSION:jar:linux-x64 \
      -DoutputDirectory=benchmarks/target/async-profiler
  (cd benchmarks/target/async-profiler && unzip -q -o async-profiler-$AP_VERSION-linux-x64.jar 'linux-x64/*')
fi
LIB=$(realpath "$LIB")

java "${DRIVER_ARGS[@]}" -cp benchmarks/target/gatekeeper-benchmarks.jar dev.gatekeeper.benchmarks.load.SmtpSourceComparison \
    james="$JAMES" shape="$SHAPE" pipeline=sink sessions=50 messages=2000 length=2048 rounds=14 warmup="${WARMUP:-20000}" \
    "jvmArg=-agentpath:$LIB=start,event=cpu,interval=1ms,loop=${CHUNK}s,collapsed,ann,file=$OUT/%p-%t.collapsed" \
    > "$OUT/run.log" 2>&1 &
DRIVER=$!
# Which process is which James: their working directories say.
until grep -q '^warm-up 1 ' "$OUT/run.log"; do
  kill -0 $DRIVER 2>/dev/null || { cat "$OUT/run.log"; exit 1; }
  sleep 1
done
for p in $(pgrep -f 'load-smtp-source-.*-james/james.args'); do
  echo "$p $(tr '\0' ' ' < /proc/$p/cmdline | grep -o 'smtp-source-plain\|smtp-source-gatekeeper' | head -1)"
done > "$OUT/pids"
until grep -q '^round 1 ' "$OUT/run.log"; do sleep 1; done
START=$(date -u +%s)
until grep -q '^ratio by round' "$OUT/run.log"; do sleep 1; done
END=$(date -u +%s)
wait $DRIVER || true

while read -r pid name; do
  : > "$OUT/$name.timed"
  for f in "$OUT/$pid"-*.collapsed; do
    stamp=$(basename "$f" .collapsed); stamp=${stamp#*-}
    at=$(date -d "${stamp:0:4}-${stamp:4:2}-${stamp:6:2} ${stamp:9:2}:${stamp:11:2}:${stamp:13:2}" +%s)
    if [ "$at" -ge "$START" ] && [ $((at + CHUNK)) -le "$END" ]; then
      cat "$f" >> "$OUT/$name.timed"
    fi
  done
done < "$OUT/pids"

cpu() { grep -E "^$1 +msg/s by round" "$OUT/run.log" | sed -E 's/.*James CPU ([0-9.]+) ms\/msg.*/\1/'; }
grep -E '^ratio by round|sent .*counted' "$OUT/run.log"
python3 benchmarks/profile/collapsed.py "$OUT/smtp-source-plain.timed" "$OUT/smtp-source-gatekeeper.timed" \
    "$(cpu 'plain James [0-9.]+')" "$(cpu 'James \+ Gatekeeper hooks')" | tee "$OUT/table.md"

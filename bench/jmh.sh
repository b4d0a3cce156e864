#!/usr/bin/env bash
# The JMH micro-benchmarks: SerializerBenchmark (java vs kryo on small, medium and large sessions) and CodecBenchmark
# (the stored-value envelope with compression and encryption off/on). Writes bench/results/jmh-<yyyy-MM-dd>.json (JMH's
# JSON) and bench/results/jmh-latest.md (the summary). About 5 minutes with the default settings.
#   bench/jmh.sh                          # everything
#   bench/jmh.sh SerializerBenchmark      # one class (any JMH include pattern)
#   JMH_OPTS='-f 2 -wi 5 -i 10 -prof gc' bench/jmh.sh CodecBenchmark
# Needs a JDK 17+; builds what is missing or stale (bench/build.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/provision.sh"
msm_require_java
. "$msm_root/bench/build.sh"
msm_bench_build
cd "$msm_root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck disable=SC2086 # JMH_OPTS is a list of options
exec "$java" -Dbench.results="$msm_root/bench/results" -cp "$msm_root/bench/target/benchmarks.jar" \
    dev.msm.bench.JmhRun ${JMH_OPTS:--f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc} "$@"

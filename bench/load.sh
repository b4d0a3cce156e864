#!/usr/bin/env bash
# The load benchmark: a real Tomcat 10.1 distribution per session manager configuration (A StandardManager, B msm
# sticky, C msm non-sticky lockingMode=none, D msm non-sticky lockingMode=all, E Redisson 3.52.0 readMode=REDIS), two
# memcached nodes per msm configuration and a redis-server for Redisson, all on 127.0.0.1, loaded by wrk with one
# session per connection, configurations interleaved in rounds. Writes bench/results/load-<yyyy-MM-dd-HHmm>.md and
# .json and bench/results/load-latest.md. The driver is bench/src/main/java/dev/msm/bench/LoadBenchmark.java; its
# javadoc lists the settings, passed here as -D options, e.g.:
#   bench/load.sh                                  # 2 rounds, about 7 minutes
#   bench/load.sh -Dbench.rounds=3 -Dbench.budget=900
#   bench/load.sh -Dbench.profile=C                # plus a JFR profile of configuration C, summarized in the results
# Needs a JDK 17+; installs wrk, memcached and redis-server with apt-get when missing; builds what is missing or stale
# (bench/build.sh: MSM_BENCH_BUILD=always to force, never to skip). The whole run stays under 10 minutes: no
# measurement starts after bench.budget (480 s) of the driver.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/provision.sh"
msm_require_java
msm_require_programs wrk:wrk memcached:memcached redis-server:redis-server
cd "$msm_root"
start=$(date +%s)

. "$msm_root/bench/build.sh"
msm_bench_build
if [ ! -d bench/redisson/target/lib ]; then
    echo "Fetching Redisson's Tomcat jars (bench/redisson/target/lib) ..."
    msm_mvn -q -f bench/redisson/pom.xml package
fi

pids="$msm_root/bench/target/load/pids"
msm_kill_on_exit "$pids"

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
status=0
"$java" -Xmx512m -Djava.util.logging.SimpleFormatter.format='%1$tT %5$s%6$s%n' \
    -Dmsm.it.target="$msm_root/it/target" "$@" \
    -cp "$msm_root/bench/target/benchmarks.jar" dev.msm.bench.LoadBenchmark || status=$?
echo "bench/load.sh took $(( $(date +%s) - start )) s"
exit $status

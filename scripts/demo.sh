#!/usr/bin/env bash
# msm in one minute: builds msm, then starts two memcached nodes and two real Tomcat 11 instances with the msm
# drop-in jar on 127.0.0.1, walks a user through kill -9 of the Tomcat and of the memcached node holding the user's
# session, prints what happens at each step, and stops everything it started (also on Ctrl-C or failure).
# Needs only a JDK 17+: Maven comes with ./mvnw, Tomcat from Maven Central, memcached from apt (installed if missing).
# Exit code 0 only if every step behaved as expected. The demo itself is it/src/main/java/dev/msm/it/Demo.java.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/provision.sh"
msm_require_java
msm_require_programs memcached:memcached
cd "$msm_root"

echo "Building msm and the demo (the first run downloads Maven, the dependencies and Tomcat) ..."
msm_mvn -q install -DskipTests -DskipITs -pl it -am

pids="$msm_root/it/target/demo/pids"
msm_kill_on_exit "$pids"

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
echo
"$java" -cp "$msm_root/it/target/classes:$(cat "$msm_root/it/target/demo.classpath")" \
    -Dmsm.it.target="$msm_root/it/target" dev.msm.it.Demo

#!/usr/bin/env bash
# Runs msm's whole test suite: unit tests, every store against its real server (memcached, redis-server,
# CouchbaseMock), embedded Tomcat 10.1 and 11, and end-to-end tests on real Tomcat 10.1 and 11 distributions.
# Provisions memcached and redis-server where the OS allows (apt-get as root). Extra arguments go to Maven,
# e.g. scripts/test.sh -pl core -am, or -DskipITs for a quick run without the distributions.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/provision.sh"
msm_require_java
msm_require_programs memcached:memcached redis-server:redis-server redis-tools:redis-cli openssl:openssl
cd "$msm_root"
msm_mvn verify "$@"

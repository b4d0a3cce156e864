# Sourced by bench/jmh.sh and bench/load.sh (after scripts/provision.sh): builds what the benchmarks need.
#   MSM_BENCH_BUILD=auto (default): msm and the Tomcat fixture only when missing or older than their sources;
#                                   the benchmarks module always (a few seconds)
#   MSM_BENCH_BUILD=always:         everything
#   MSM_BENCH_BUILD=never:          nothing (fails later if something is missing)

# true when the drop-in jar, the Tomcat distribution or the installed fixture is missing, or a source or pom of the
# modules they come from is newer than the drop-in jar
msm_bench_stale() {
    local dropin="$msm_root/it/target/dropins/msm-tomcat10.jar"
    [ ! -f "$dropin" ] || [ ! -d "$msm_root/it/target/tomcat-10.1.60" ] \
        || ! ls "$HOME"/.m2/repository/dev/msm/msm-it/*/msm-it-*.jar >/dev/null 2>&1 \
        || [ -n "$(cd "$msm_root" && find api core memcached spi-redis tomcat10 tomcat11 it pom.xml \
                   \( -path '*/target' -prune \) -o -newer "$dropin" -type f \( -name '*.java' -o -name 'pom.xml' \
                   -o -name '*.jsp' -o -name '*.xml' -o -name '*.properties' \) -print -quit)" ]
}

msm_bench_build() {
    local mode="${MSM_BENCH_BUILD:-auto}"
    [ "$mode" = never ] && return 0
    if [ "$mode" = always ] || msm_bench_stale; then
        echo "Building msm and the Tomcat fixture (install -pl it -am; the first run downloads dependencies) ..."
        # msm-it is not installed by default; the benchmarks module depends on it
        (cd "$msm_root" && msm_mvn -q install -DskipTests -DskipITs -pl it -am -Dmaven.install.skip=false)
    fi
    echo "Building the benchmarks (bench/target/benchmarks.jar) ..."
    (cd "$msm_root" && msm_mvn -q -f bench/pom.xml package -DskipTests)
}

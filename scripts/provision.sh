# Shared by scripts/test.sh, scripts/demo.sh and bench/run.sh (sourced, not run).
# Finds or installs the programs msm's tests and demo need, or stops with a message saying what to install.

msm_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

msm_die() {
    echo "error: $*" >&2
    exit 1
}

# Java 17 or newer must be there; everything else can be provisioned.
msm_require_java() {
    if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
        msm_die "no JDK found. Install JDK 17 or newer (e.g. 'apt-get install -y openjdk-17-jdk-headless') or set JAVA_HOME."
    fi
    local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
    local version
    version="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    case "$version" in
        1.*|9|10|11|12|13|14|15|16) msm_die "Java $version found; msm needs Java 17 or newer (set JAVA_HOME)." ;;
    esac
}

# msm_require_programs <debian-package>:<executable> ...
# Installs missing packages with apt-get when running as root (or with passwordless sudo); otherwise explains.
msm_require_programs() {
    local missing=() spec pkg exe
    for spec in "$@"; do
        pkg="${spec%%:*}"
        exe="${spec##*:}"
        if ! command -v "$exe" >/dev/null 2>&1 && [ ! -x "/usr/bin/$exe" ] && [ ! -x "/usr/sbin/$exe" ]; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        else
            msm_die "missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}"
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        msm_die "missing ${missing[*]} and no apt-get here; install them with your package manager"
    fi
    echo "Installing ${missing[*]} ..." >&2
    if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; then
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || true
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
            || msm_die "could not install ${missing[*]}; install them and run again"
    fi
    # the packages start system-wide services on their default ports; msm's tests use their own instances
    for pkg in "${missing[@]}"; do
        case "$pkg" in
            memcached) $sudo service memcached stop >/dev/null 2>&1 || true ;;
            redis-server) $sudo service redis-server stop >/dev/null 2>&1 || true ;;
        esac
    done
}

msm_mvn() {
    "$msm_root/mvnw" -B "$@"
}

# Kills, by pid, the processes listed in a file of "<pid> <command-line marker>" lines that a Java driver (demo,
# load benchmark) writes for what it starts, in case it could not stop them itself (e.g. it was killed with kill -9);
# the marker guards against a pid reused by another process. Usage: msm_kill_on_exit <pid file>
msm_kill_on_exit() {
    msm_pid_file="$1"
    trap msm_kill_listed EXIT
}

msm_kill_listed() {
    [ -f "$msm_pid_file" ] || return 0
    local pid marker
    while read -r pid marker; do
        if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$marker"; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    done < "$msm_pid_file"
    rm -f "$msm_pid_file"
}

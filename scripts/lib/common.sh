# Shared by scripts/run, scripts/test and scripts/portal. Source it; do not run it.

# Prints one line to stderr and exits 2.
die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

# The Java feature version of a java binary, e.g. 25 (empty if it does not run).
java_feature() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

# Sets and exports JAVA_HOME to a JDK 25 or newer: $JAVA_HOME if it is one, else the newest under
# /usr/lib/jvm (Temurin preferred). Fails with a clear message when there is none.
find_jdk25() {
  local candidate
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_feature "$JAVA_HOME/bin/java")" -ge 25 ] 2>/dev/null; then
    export JAVA_HOME
    return
  fi
  for candidate in /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/temurin-[3-9]* /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/javac" ] && [ "$(java_feature "$candidate/bin/java")" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return
    fi
  done
  die "no JDK 25 found (JAVA_HOME=${JAVA_HOME:-unset}; nothing suitable under /usr/lib/jvm). Install Temurin 25 or set JAVA_HOME to a JDK 25 or newer."
}

# Installs the Debian packages given that are not installed yet (apt-get, as root or via sudo).
ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "needs Debian packages ${missing[*]}; run as root or install them first"
    sudo="sudo"
  fi
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# The distribution built by Maven (bin/portal, lib/*.jar).
PORTAL_DIST="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/control/target/portal"

# True when the distribution is missing or older than any source or build file.
dist_is_stale() {
  local root stamp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  stamp="$(ls "$PORTAL_DIST"/lib/control-*.jar 2>/dev/null | head -1)"
  [ -n "$stamp" ] || return 0
  [ -n "$(find "$root" -path "$root/.git" -prune -o \( -name pom.xml -o -path '*/src/*' \) -newer "$stamp" -print -quit 2>/dev/null)" ]
}

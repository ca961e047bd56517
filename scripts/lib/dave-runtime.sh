# libdave (the native DAVE library inside jdave-native-linux-x86-64) needs glibc >= 2.38 and
# GLIBCXX_3.4.32; Debian 12 has glibc 2.36. It loads through Debian 13 (trixie)'s own dynamic
# loader and libraries instead (see docs/dave.md). This file fetches those five libraries from
# Debian's trixie packages (libc6, libstdc++6, libgcc-s1; `apt-get download` with a private
# sources list, nothing else is downloaded) into a cache folder, and prints the java command line
# that runs through that loader.
#
# Source it (set -euo pipefail friendly). Functions:
#   dave_runtime_dir        prints the cache folder ($DAVE_RUNTIME_DIR, default
#                           ~/.cache/inward-portal/dave-runtime)
#   dave_runtime_ready      true when the five libraries are there and the loader runs
#   fetch_dave_runtime      fetches them unless ready (needs apt-get and dpkg-deb; root not needed)
#   dave_java_command [java] prints "<dir>/ld-linux-x86-64.so.2 --library-path <dir> <java>",
#                           java defaulting to $JAVA_HOME/bin/java

DAVE_RUNTIME_LIBS=(ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libstdc++.so.6 libgcc_s.so.1)
DAVE_RUNTIME_PACKAGES=(libc6 libstdc++6 libgcc-s1)

dave_runtime_dir() {
  echo "${DAVE_RUNTIME_DIR:-${HOME:-/root}/.cache/inward-portal/dave-runtime}"
}

dave_runtime_ready() {
  local dir lib
  dir="$(dave_runtime_dir)"
  for lib in "${DAVE_RUNTIME_LIBS[@]}"; do
    [ -s "$dir/$lib" ] || return 1
  done
  [ -f "$dir/packages.txt" ] || return 1
  # The loader resolves libstdc++'s dependencies from the folder alone.
  "$dir/ld-linux-x86-64.so.2" --library-path "$dir" --list "$dir/libstdc++.so.6" >/dev/null 2>&1 || return 1
}

# The trixie mirror: $DAVE_RUNTIME_MIRROR, else the first deb.debian.org-style URI this machine's
# apt already uses for Debian (so a local mirror or proxy keeps working), else deb.debian.org.
dave_runtime_mirror() {
  if [ -n "${DAVE_RUNTIME_MIRROR:-}" ]; then echo "$DAVE_RUNTIME_MIRROR"; return; fi
  local uri
  uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    | grep -v '^[[:space:]]*#' | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -1 | tr -d ' ')"
  echo "${uri:-http://deb.debian.org/debian}"
}

fetch_dave_runtime() {
  local dir work mirror keyring pkg lib deb apt_opts
  dir="$(dave_runtime_dir)"
  if dave_runtime_ready; then
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || { echo "dave-runtime: apt-get is needed to fetch Debian 13's libraries" >&2; return 1; }
  command -v dpkg-deb >/dev/null 2>&1 || { echo "dave-runtime: dpkg-deb is needed to unpack Debian 13's libraries" >&2; return 1; }
  keyring=/usr/share/keyrings/debian-archive-trixie-stable.gpg
  [ -f "$keyring" ] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  mirror="$(dave_runtime_mirror)"
  work="$(mktemp -d "${TMPDIR:-/tmp}/dave-runtime.XXXXXX")"
  # A private apt: its own sources list (trixie only), lists, cache and an empty dpkg status, so
  # the machine's apt configuration and state are neither used nor touched.
  mkdir -p "$work/etc/preferences.d" "$work/etc/sources.list.d" "$work/state/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/root"
  : >"$work/status"
  cat >"$work/etc/sources.list" <<SOURCES
deb [signed-by=$keyring] $mirror trixie main
SOURCES
  apt_opts=(-o "Dir::Etc=$work/etc" -o "Dir::Etc::sourcelist=$work/etc/sources.list"
    -o "Dir::Etc::sourceparts=$work/etc/sources.list.d" -o "Dir::Etc::preferencesparts=$work/etc/preferences.d"
    -o "Dir::State=$work/state" -o "Dir::State::status=$work/status" -o "Dir::Cache=$work/cache"
    -o "APT::Architecture=amd64" -o "APT::Architectures::=amd64" -o "Acquire::Languages=none"
    -o "APT::Sandbox::User=$(id -un)" -o "Debug::NoLocking=1")
  echo "dave-runtime: fetching Debian 13 ${DAVE_RUNTIME_PACKAGES[*]} from $mirror" >&2
  if ! apt-get -qq "${apt_opts[@]}" update >"$work/apt.log" 2>&1; then
    cat "$work/apt.log" >&2
    echo "dave-runtime: apt-get update of the trixie sources failed" >&2
    rm -rf "$work"
    return 1
  fi
  if ! (cd "$work/debs" && apt-get -qq "${apt_opts[@]}" download "${DAVE_RUNTIME_PACKAGES[@]}") >>"$work/apt.log" 2>&1; then
    cat "$work/apt.log" >&2
    echo "dave-runtime: apt-get download ${DAVE_RUNTIME_PACKAGES[*]} failed" >&2
    rm -rf "$work"
    return 1
  fi
  for deb in "$work"/debs/*.deb; do
    dpkg-deb -x "$deb" "$work/root"
  done
  mkdir -p "$dir"
  for lib in "${DAVE_RUNTIME_LIBS[@]}"; do
    local found
    found="$(find "$work/root" -name "$lib" \( -type f -o -type l \) | head -1)"
    if [ -z "$found" ]; then
      echo "dave-runtime: $lib not found in the trixie packages" >&2
      rm -rf "$work"
      return 1
    fi
    cp -L "$found" "$dir/$lib.tmp"
    mv "$dir/$lib.tmp" "$dir/$lib"
  done
  chmod 755 "$dir/ld-linux-x86-64.so.2"
  (cd "$work/debs" && ls *.deb) >"$dir/packages.txt"
  rm -rf "$work"
  if ! dave_runtime_ready; then
    echo "dave-runtime: the fetched loader does not run from $dir" >&2
    return 1
  fi
  echo "dave-runtime: Debian 13 loader and libraries in $dir ($(tr '\n' ' ' <"$dir/packages.txt"))" >&2
}

dave_java_command() {
  local dir java
  dir="$(dave_runtime_dir)"
  java="${1:-${JAVA_HOME:-}/bin/java}"
  echo "$dir/ld-linux-x86-64.so.2 --library-path $dir $java"
}

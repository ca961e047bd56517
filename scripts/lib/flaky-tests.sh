# Shared by scripts/test. Source it; do not run it.

# Lists the tests that failed and then passed when run again (Surefire and Failsafe write a
# <flakyFailure> or <flakyError> into the test case's report), with the first line of why they failed.
# $1: a file made before the run; older reports (a run before this one) are left out.
report_flaky_tests() {
  local since=$1 reports
  reports=$(find . \( -path '*/target/surefire-reports/TEST-*.xml' -o -path '*/target/failsafe-reports/TEST-*.xml' \) \
    -newer "$since" 2>/dev/null || true)
  [ -n "$reports" ] || return 0
  local flaky
  # shellcheck disable=SC2086
  flaky=$(awk '
    /<testcase / {
      name = $0; sub(/.* name="/, "", name); sub(/".*/, "", name)
      cls = $0; sub(/.* classname="/, "", cls); sub(/".*/, "", cls)
    }
    /<flaky(Failure|Error)/ {
      why = "(no message)"
      if ($0 ~ /message="/) { why = $0; sub(/.*message="/, "", why); sub(/".*/, "", why) }
      gsub(/&#10;/, " ", why); gsub(/&quot;/, "\"", why); gsub(/&lt;/, "<", why); gsub(/&gt;/, ">", why); gsub(/&amp;/, "\\&", why)
      gsub(/  +/, " ", why)
      print "  " cls "." name ": " substr(why, 1, 200)
    }' $reports | sort -u || true) # a report it cannot read must not fail a green run
  [ -n "$flaky" ] || return 0
  {
    echo
    echo "================================================================================"
    echo "FLAKY TESTS: failed, then passed when run again. Each one is a bug (docs/DESIGN.md):"
    echo "$flaky"
    echo "================================================================================"
  } >&2
}

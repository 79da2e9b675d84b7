# Sourced by ./wisp and scripts/test: sets JAVA to a JDK >= 21 (with javac) and exports JAVA_HOME.
java_major() { "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'; }

find_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/*; do
    [ -x "$d/bin/java" ] && candidates+=("$d/bin/java")
  done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  local j m
  for j in "${candidates[@]}"; do
    m="$(java_major "$j" 2>/dev/null || echo 0)"
    if [ "${m:-0}" -ge 21 ] 2>/dev/null && [ -x "$(dirname "$j")/javac" ]; then echo "$j"; return 0; fi
  done
  return 1
}

JAVA="$(find_java)" || { echo "wisp: no JDK >= 21 found (looked at \$JAVA_HOME, /usr/lib/jvm/*, PATH). Install one (apt-get install openjdk-21-jdk) or set JAVA_HOME." >&2; exit 3; }
JAVA_HOME="$(dirname "$(dirname "$JAVA")")"
export JAVA_HOME

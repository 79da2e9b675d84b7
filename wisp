#!/usr/bin/env bash
# The wisp launcher: finds a JDK >= 21, builds the CLI jar when sources are newer, runs it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# setup and demo must work on a fresh machine: host packages first (idempotent, quick when present).
case "${1:-}" in
  setup|demo) "$here/scripts/install-deps" ;;
esac

. "$here/scripts/jdk.sh"

jar="$here/cli/target/wisp.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here" \( -name target -o -name .git -o -name .wisp \) -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]; then
  command -v mvn >/dev/null 2>&1 || { echo "wisp: Maven (mvn) is needed to build wisp: apt-get install maven" >&2; exit 3; }
  echo "wisp: building (first run or sources changed)..." >&2
  (cd "$here" && mvn -B -q -DskipTests package >&2) || { echo "wisp: build failed" >&2; exit 3; }
fi
# ParallelGC: young pauses of ~0.5-0.9 ms against G1's 4-7 ms, which set the router's p99.
# Netty's leak detector samples buffers with stack traces: a debugging aid, off in production.
# Netty uses sun.misc.Unsafe and loads its epoll library: say so, so JDK 23+ does not warn on every start.
opts=(-XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled --enable-native-access=ALL-UNNAMED)
[ "$(java_major "$JAVA")" -ge 23 ] && opts+=(--sun-misc-unsafe-memory-access=allow)
# The platform's files (state store, images, VM snapshots) are its user's alone: 0600 files, 0700 dirs.
case "${1:-}" in
  up|demo) umask 077 ;;
esac
exec "$JAVA" "${opts[@]}" ${WISP_JAVA_OPTS:-} -jar "$jar" "$@"

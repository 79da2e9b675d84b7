#!/usr/bin/env bash
# Builds the Java service into an image with the Jib Maven plugin and pushes it to a registry:
#   examples/oci-java/build.sh [REGISTRY]     (default localhost:5000; plain HTTP is for loopback)
# then: ./wisp deploy hello-java --image REGISTRY/examples/hello-java:1
# Jib's usual bases come from Docker Hub, which is not reachable everywhere: this script makes the
# base itself (Debian bookworm minbase from Debian's mirror + a Java runtime jlinked from this
# host's JDK >= 21) and pushes it to the same registry.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
registry="${1:-localhost:5000}"
. "$here/../oci-base/buildah.sh"
. "$here/../../scripts/jdk.sh"

root="$("$here/../oci-base/debian-root.sh" "")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# java.base and the JDK's HTTP server are all the service needs: a ~50 MB runtime
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.httpserver --strip-debug --no-man-pages --no-header-files \
  --output "$work/opt/java"
base="$registry/wisp-examples/java:21-bookworm"
c="$(bah from scratch)"
bah add "$c" "$root" / >/dev/null
bah copy "$c" "$work/opt" /opt >/dev/null
bah config --env JAVA_HOME=/opt/java --env PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$c"
bah commit -q "$c" wisp-examples/java:21-bookworm >/dev/null
bah rm "$c" >/dev/null
bah push -q --tls-verify=false wisp-examples/java:21-bookworm "docker://$base"

(cd "$here" && mvn -B -q -Dstyle.color=never package com.google.cloud.tools:jib-maven-plugin:3.4.4:build \
  -Dbase.image="$base" -Dapp.image="$registry/examples/hello-java:1" -Djib.console=plain)
echo "$registry/examples/hello-java:1"

#!/usr/bin/env bash
# Builds the Python app's image from its Dockerfile with buildah and pushes it to a registry:
#   examples/oci-python/build.sh [REGISTRY]     (default localhost:5000; plain HTTP is for loopback)
# then: ./wisp deploy hello-python --image REGISTRY/examples/hello-python:1
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
registry="${1:-localhost:5000}"
. "$here/../oci-base/buildah.sh"

# The base: Debian's python3 from Debian's mirror, pushed as the image the Dockerfile starts FROM.
root="$("$here/../oci-base/debian-root.sh" python3-minimal,libpython3.11-stdlib)"
c="$(bah from scratch)"
bah add "$c" "$root" / >/dev/null
bah commit -q "$c" wisp-examples/python:3.11-bookworm >/dev/null
bah rm "$c" >/dev/null
bah push -q --tls-verify=false wisp-examples/python:3.11-bookworm "docker://$registry/wisp-examples/python:3.11-bookworm"

bah bud -q --layers=false --build-arg "BASE=$registry/wisp-examples/python:3.11-bookworm" --tls-verify=false \
  -t examples/hello-python:1 "$here" >/dev/null
bah push -q --tls-verify=false examples/hello-python:1 "docker://$registry/examples/hello-python:1"
echo "$registry/examples/hello-python:1"

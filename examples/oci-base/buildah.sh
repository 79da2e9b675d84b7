# Sourced by the examples' build scripts: buildah with its storage in a folder of the user's
# (vfs: works as any user and in containers, no overlay module needed).
store="${WISP_EXAMPLES_CACHE:-$HOME/.cache/wisp-examples}/buildah"
bah() { buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs "$@"; }

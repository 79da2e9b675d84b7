#!/bin/sh
# Builds the inference app folder: trains the model on its synthetic dataset (seeded, so the same
# model every time) and compiles the model server as a static binary for the guest.
#   examples/inference/build.sh OUT_DIR [trainer options, see train.c]
# OUT_DIR then holds: server, model.bin (what the guest gets) and heldout.json (the trainer's
# held-out samples with its own predictions, for checking a deployed server).
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 OUT_DIR [--seed N] [--features F] [--train N] [--heldout N] [--epochs N]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$1
shift
command -v gcc > /dev/null || { echo "gcc not found (apt-get install gcc libc6-dev)" >&2; exit 3; }
mkdir -p "$out/app"
gcc -O2 -Wall -o "$out/train" "$here/train.c" -lm
"$out/train" "$out/app" "$@" 2> "$out/train.log"
mv "$out/app/heldout.json" "$out/heldout.json"
# Static: the guest has no libc of its own. No build id, so the same compiler gives the same bytes.
gcc -O2 -Wall -static -s -Wl,--build-id=none -o "$out/app/server" "$here/server.c" -lm
rm -f "$out/train"

#!/usr/bin/env bash
# Regenerates the c_glib code from idl/kvstore.thrift and applies the fixes that
# libthrift-c-glib 0.17's generator needs (see scripts/fix_c_glib.py).
#
#   scripts/regen-thrift.sh           rewrite Sources/RotorThriftGen/ in place
#   scripts/regen-thrift.sh --check   fail if the committed copy is stale (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

idl=idl/kvstore.thrift
dest=Sources/RotorThriftGen
command -v thrift >/dev/null || { echo "thrift not found: apt-get install thrift-compiler" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
thrift --gen c_glib -out "$work" "$idl"
# The server and client do their own dispatch ("split" RPCs over NIO), so the
# generated service client/processor/handler are not used; only the types are.
rm -f "$work"/rkv_kv_store.c "$work"/rkv_kv_store.h
python3 scripts/fix_c_glib.py "$work"

mkdir -p "$work/out/include"
mv "$work"/*.h "$work/out/include/"
mv "$work"/*.c "$work/out/"

if [[ "${1:-}" == "--check" ]]; then
  stale=0
  for f in $(cd "$work/out" && find . -type f | sort); do
    if ! cmp -s "$work/out/$f" "$dest/$f"; then echo "stale generated file: $dest/${f#./}" >&2; stale=1; fi
  done
  if [[ $stale -ne 0 ]]; then
    echo "The committed c_glib code does not match $idl: run scripts/regen-thrift.sh and commit." >&2
    exit 1
  fi
  echo "generated code is up to date with $idl"
  exit 0
fi

mkdir -p "$dest/include"
cp "$work"/out/include/*.h "$dest/include/"
cp "$work"/out/*.c "$dest/"
echo "regenerated $dest from $idl"

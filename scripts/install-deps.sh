#!/usr/bin/env bash
# Installs what RotorKV needs on Debian (bookworm): the Thrift compiler and
# C GLib library, GLib, zlib, iproute2 (network namespaces for the torture
# test), and Python's thrift package for the interop test.
# Idempotent: does nothing that is already done. Needs root (or sudo).
set -euo pipefail

packages=(thrift-compiler libthrift-c-glib-dev libglib2.0-dev zlib1g-dev pkg-config python3 python3-pip iproute2)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import thrift, pytest' 2>/dev/null; then
  echo "installing Python's thrift package (for the interoperability test)" >&2
  python3 -m pip install --quiet thrift pytest 2>/dev/null || python3 -m pip install --quiet --break-system-packages thrift pytest
fi

#!/usr/bin/env bash
# What the browser and JupyterLab tests need from the system, installed from Debian's packages
# when missing and we are root (as in CI); otherwise one sentence with the command to run.
#   chromium        Debian's Chromium, driven by Playwright (no browser download)
#   fonts-noto-cjk  a CJK font, for the glossary's Chinese
#   unshare, ip     a network namespace with loopback only (util-linux, iproute2)
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
command -v unshare >/dev/null || missing+=(util-linux)
command -v ip >/dev/null || missing+=(iproute2)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "make: the browser tests need Debian packages that are missing: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages for the browser tests: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null

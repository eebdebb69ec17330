#!/usr/bin/env bash
# Make sure Debian's chromium and chromium-driver are installed (browser tests need them).
# Playwright drives this Chromium; its own browser download is blocked here.
set -euo pipefail

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        echo "error: ${missing[*]} not installed, and installing needs root or password-less sudo." >&2
        echo "       run: sudo apt-get install -y chromium chromium-driver" >&2
        exit 1
    fi
    echo "==> installing ${missing[*]} from Debian"
    # Another apt run (e.g. at machine start) may hold the lock: wait for it.
    apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
    "${sudo[@]}" "${apt[@]}" update
    "${sudo[@]}" "${apt[@]}" install -y chromium chromium-driver
fi
echo "==> $(chromium --version 2>/dev/null || echo 'chromium: version unknown')"

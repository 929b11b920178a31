#!/usr/bin/env bash
# Installs the system packages Imogen uses when they are missing and we may (root or passwordless sudo).
# `system-deps.sh run`: only what `make run` benefits from (redis-server, gettext). Otherwise also Chromium,
# a Korean font and nginx (tests).
set -u
want=(redis-server:redis-server msgfmt:gettext)
missing=()
for pair in "${want[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ "${1:-}" != "run" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  # Korean text in browser screenshots needs a CJK font.
  fc-list :lang=ko 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
  # The slow-client test replays the attack through the production recipe's buffering proxy.
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "[imogen] Missing system packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
  echo "[imogen] Continuing without them (tests that need them are skipped, make run uses the embedded broker)."
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "[imogen] Missing ${missing[*]} and no apt-get here; install them with your package manager."; exit 0
fi
echo "[imogen] Installing ${missing[*]} with apt-get..."
$SUDO apt-get update -qq >/dev/null 2>&1 || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
  || echo "[imogen] apt-get could not install ${missing[*]}; continuing without them."
exit 0

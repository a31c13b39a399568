#!/usr/bin/env bash
# The browser tests (tests/browser) drive Debian's Chromium at /usr/bin/chromium (Playwright never downloads a
# browser of its own here). Install it, with CJK fonts for the Chinese pages, when it is missing.
# In CI (CI=true) failing to install is an error; elsewhere it is said loudly and the browser tests then fail
# with their own clear message (tests/browser/conftest.py), never a silent skip.
set -uo pipefail

CHROMIUM="${YIJIANSHI_CHROMIUM:-/usr/bin/chromium}"
PACKAGES=(chromium fonts-noto-cjk)

if [ -x "$CHROMIUM" ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi

loud() {
  echo "" >&2
  echo "********************************************************************************" >&2
  for line in "$@"; do echo "*** $line" >&2; done
  echo "********************************************************************************" >&2
  echo "" >&2
}

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  SUDO=(none)
fi

if ! command -v apt-get >/dev/null 2>&1 || [ "${SUDO[0]:-}" = "none" ]; then
  loud "Chromium ($CHROMIUM) or the CJK fonts are missing and cannot be installed here" \
       "(needs apt-get and root or password-less sudo)." \
       "Install them:  sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}"
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 0
fi

echo "installing ${PACKAGES[*]} for the browser tests (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"; then
  # a fresh machine may have no package lists yet
  "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"
fi

if [ ! -x "$CHROMIUM" ]; then
  loud "Installing Chromium failed: $CHROMIUM is still missing." \
       "The browser tests (tests/browser) will fail until it is installed:" \
       "  sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}"
  if [ "${CI:-}" = "true" ]; then exit 1; fi
fi
exit 0

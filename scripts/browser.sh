#!/usr/bin/env bash
# Make sure a headless Chromium and CJK fonts are here for the browser tests: Debian's chromium and
# fonts-noto-cjk (also the pack's maps and PDF), and poppler-utils (pdftotext, pdftoppm: the pack tests),
# installed with apt-get when missing and we are root (or may sudo). Prints the binary.
set -euo pipefail
find_chromium() { command -v chromium || command -v chromium-browser || command -v google-chrome || true; }
bin=$(find_chromium)
need_fonts=0
if command -v fc-list >/dev/null && ! fc-list :lang=zh | grep -q .; then need_fonts=1; fi
if ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then need_fonts=1; fi
if [ -z "$bin" ] || [ "$need_fonts" = 1 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else
    echo "no Chromium and no way to install it (not root); the browser tests will skip" >&2; exit 0; fi
  if command -v apt-get >/dev/null; then
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk poppler-utils >/dev/null
  fi
  bin=$(find_chromium)
fi
echo "$bin"

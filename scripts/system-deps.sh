#!/usr/bin/env bash
# Installs the system programs the real-client tests drive (Debian's chromium,
# ffmpeg for ffprobe, curl, firefox-esr, WebKitGTK's WebKitWebDriver under
# xvfb, nginx, HAProxy, Caddy, GStreamer's multipartdemux, VLC, OpenCV; nats-server and redis-server for the
# bus adapter tests) when they are missing. Only Debian's packages.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# The bus adapter tests (tests/nats, tests/redis) start their own servers on loopback ports.
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
gst-inspect-1.0 multipartdemux >/dev/null 2>&1 || missing+=(gstreamer1.0-tools gstreamer1.0-plugins-good)
# VLC and OpenCV as push readers (tests/push/media_clients.test.ts): ~35 + ~110 small packages, ~25 s.
[ -x /usr/bin/cvlc ] || missing+=(vlc-bin vlc-plugin-base)
/usr/bin/python3 -c "import cv2" >/dev/null 2>&1 || missing+=(python3-opencv)
# HAProxy and Caddy in front of a push for the doctor's tests (tests/cli/doctor_proxies.test.ts).
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ -x /usr/bin/caddy ] || missing+=(caddy)
# `--bench`: also strace, with which bench/sockets.bench.ts counts the send syscalls of Bun and Deno
# (no test needs it; without it the bench prints "-" there).
if [ "${1:-}" = "--bench" ]; then
  command -v strace >/dev/null 2>&1 || missing+=(strace)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]} from Debian's packages"
as_root=()
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "system-deps: run 'sudo apt-get install -y ${missing[*]}' first (the browser and ffprobe tests need them)" >&2
    exit 1
  fi
fi
"${as_root[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

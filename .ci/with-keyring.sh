#!/usr/bin/env bash
# Inside a D-Bus session: start gnome-keyring's Secret Service unlocked with a throwaway
# password and a fresh data directory, wait until it owns its bus name, run "$@", stop it.
set -euo pipefail

export XDG_DATA_HOME
XDG_DATA_HOME=$(mktemp -d)
made_runtime_dir=
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR=$(mktemp -d)
  made_runtime_dir=$XDG_RUNTIME_DIR
fi
export XDG_RUNTIME_DIR

printf %s ci-keyring-password | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null || true; rm -rf "$XDG_DATA_HOME" ${made_runtime_dir:+"$made_runtime_dir"}' EXIT

for _ in $(seq 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    break
  fi
  sleep 0.1
done

if ! dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
  echo "ci: the Secret Service (gnome-keyring) did not start" >&2
  exit 1
fi

"$@"

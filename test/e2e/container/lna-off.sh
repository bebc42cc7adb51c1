#!/bin/sh
# Test rig only, mounted into the container in front of a browser that ignores the profile's Local
# Network Access grant (the headless shell): runs /usr/lib/chromium/<this file's name> with
# LocalNetworkAccessChecks added to the --disable-features list the service passes, so the
# simulator page may reach the control server on the bridge's gateway. Nothing else changes: the
# same arguments, the same binary (exec: no extra process). See docs/container.md.
real=/usr/lib/chromium/$(basename "$0")
merged=
for arg; do
  shift
  case $arg in --disable-features=*) arg="$arg,LocalNetworkAccessChecks" merged=1 ;; esac
  set -- "$@" "$arg"
done
[ -n "$merged" ] || set -- "$@" --disable-features=LocalNetworkAccessChecks
exec "$real" "$@"

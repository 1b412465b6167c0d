#!/usr/bin/env bash
# Prints the path of a Chromium for the e2e tests: $CHROMIUM_PATH, the system one, or Debian's `chromium`
# package installed on the spot (as root). Playwright's own browser download is never used.
set -euo pipefail

for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
	if [[ -n "$candidate" && -x "$candidate" ]]; then
		echo "$candidate"
		exit 0
	fi
done

if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
	echo "Installing Debian's chromium package for the browser tests…" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
	if [[ -x /usr/bin/chromium ]]; then
		echo /usr/bin/chromium
		exit 0
	fi
fi

echo "No Chromium found. Install Debian's package (apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1

#!/usr/bin/env bash
# The Debian packages the test suite needs beyond Python (issue 17): Chromium for the browser tests, the speech tools
# that synthesize and encode test interviews, gettext for the translations. `make test` runs this first: it installs
# what is missing when it can (root with apt-get), and otherwise stops at once with the one command to run.
set -euo pipefail

# command on PATH -> Debian package that provides it
declare -A PACKAGE_OF=(
    [chromium]=chromium
    [flite]=flite
    [sox]=sox
    [ffmpeg]=ffmpeg
    [espeak-ng]=espeak-ng
    [msgfmt]=gettext
)
missing=()
for tool in "${!PACKAGE_OF[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${PACKAGE_OF[$tool]}")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

# A font for Chromium's screenshots comes along with it.
IFS=$'\n' read -r -d '' -a missing < <(printf '%s\n' "${missing[@]}" fonts-dejavu-core | sort -u && printf '\0')
command="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the Debian packages the tests need: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && $command
else
    echo "The tests need Debian packages that are not installed: ${missing[*]}" >&2
    echo "Install them with:  sudo $command" >&2
    exit 1
fi

# Debian's Chromium for the browser tests (HTML report, dashboard e2e), driven by playwright-core.
# Nothing to start: the tests launch it headless with a fresh profile. Sourced by .ci/run.
if ci_apt_install chromium; then
  export SANCTUM_TEST_CHROMIUM=/usr/bin/chromium
fi

# Debian's rpm (rpmbuild and rpm write a real rpmdb.sqlite into a temporary root) and Go toolchain
# (builds a small Go program whose build information the tests read) for
# src/parsers/os-packages/binary-sources.test.ts, which skips those cases, saying why, without them.
ci_apt_install rpm golang-go || echo "ci: rpm or golang-go missing; the rpm database and Go binary tests will skip" >&2

# A real Debian 12 root filesystem (debootstrap --variant=minbase, about a minute) for the OS package
# tests: its dpkg status and os-release as Debian writes them. Built once per CI run in a temporary
# directory; test/os-rootfs.test.ts reads SANCTUM_TEST_DEBIAN_ROOTFS and skips, saying why, without it.
if ci_apt_install debootstrap; then
  ci_rootfs_dir="$(mktemp -d)"
  if debootstrap --variant=minbase bookworm "$ci_rootfs_dir/bookworm" >"$ci_rootfs_dir/debootstrap.log" 2>&1; then
    export SANCTUM_TEST_DEBIAN_ROOTFS="$ci_rootfs_dir/bookworm"
  else
    echo "ci: debootstrap failed (see $ci_rootfs_dir/debootstrap.log); the Debian root filesystem tests will skip" >&2
  fi
  ci_on_exit "rm -rf '$ci_rootfs_dir'"
fi

# Container image tests (src/sources/image/real-tools.test.ts): skopeo converts OCI layouts to
# docker-archive and zstd layers, umoci builds OCI images, zstd writes zstd layers, and Debian's
# docker-registry serves images on loopback for the registry pull path.
if ci_apt_install skopeo umoci zstd docker-registry; then
  sanctum_registry_dir="$(mktemp -d)"
  sanctum_registry_port="$(node -e 'const s=require("node:net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  cat >"$sanctum_registry_dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $sanctum_registry_dir/data
http:
  addr: 127.0.0.1:$sanctum_registry_port
YAML
  docker-registry serve "$sanctum_registry_dir/config.yml" >"$sanctum_registry_dir/log" 2>&1 &
  sanctum_registry_pid=$!
  ci_on_exit "kill $sanctum_registry_pid; rm -rf '$sanctum_registry_dir'"
  for _ in $(seq 1 50); do
    if node -e "fetch('http://127.0.0.1:$sanctum_registry_port/v2/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
      export SANCTUM_TEST_REGISTRY="127.0.0.1:$sanctum_registry_port"
      break
    fi
    sleep 0.2
  done
  [ -n "${SANCTUM_TEST_REGISTRY:-}" ] || echo "ci: docker-registry did not answer on 127.0.0.1:$sanctum_registry_port" >&2
fi

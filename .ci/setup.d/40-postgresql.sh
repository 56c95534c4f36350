# PostgreSQL 15 from Debian for the store tests: a throw-away cluster on 127.0.0.1 (trust auth for
# the local test role only), exported as SANCTUM_TEST_POSTGRES_URL. Sourced by .ci/run.
ci_postgres_start() {
  ci_apt_install postgresql || return 1
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$bin/initdb" ] || { echo "ci: postgresql installed but initdb not found" >&2; return 1; }
  local dir port run_as=()
  dir="$(mktemp -d "${TMPDIR:-/tmp}/sanctum-pg.XXXXXX")"
  # initdb refuses to run as root: the cluster belongs to the postgres system user then.
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$bin/initdb" -D "$dir/data" -U sanctum --auth=trust -E UTF8 >/dev/null || return 1
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off" start >/dev/null || {
    cat "$dir/log" >&2
    return 1
  }
  ci_on_exit "${run_as[*]} $bin/pg_ctl -D $dir/data -m fast stop; rm -rf $dir"
  export SANCTUM_TEST_POSTGRES_URL="postgres://sanctum@127.0.0.1:$port/postgres"
  echo "ci: PostgreSQL on $SANCTUM_TEST_POSTGRES_URL" >&2
}
ci_postgres_start

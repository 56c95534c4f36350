import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** True when a Go executable can be had: one named by `SANCTUM_TEST_GO_BINARY`, or Debian's Go toolchain to build it. */
export function goProgramAvailable(): boolean {
  if (process.env.SANCTUM_TEST_GO_BINARY) return true;
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A real Go executable, `example.com/sanctum-fixture` depending on `example.com/greeting v1.2.3`
 * (vendored: no network), built by the Go toolchain under `work`; or the one `SANCTUM_TEST_GO_BINARY` names.
 */
export function buildGoProgram(work: string): string {
  if (process.env.SANCTUM_TEST_GO_BINARY) return process.env.SANCTUM_TEST_GO_BINARY;
  const src = join(work, 'go-src');
  mkdirSync(join(src, 'vendor', 'example.com', 'greeting'), { recursive: true });
  writeFileSync(join(src, 'go.mod'), 'module example.com/sanctum-fixture\n\ngo 1.19\n\nrequire example.com/greeting v1.2.3\n');
  writeFileSync(
    join(src, 'main.go'),
    'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/greeting"\n)\n\nfunc main() { fmt.Println(greeting.Hello()) }\n',
  );
  writeFileSync(
    join(src, 'vendor', 'example.com', 'greeting', 'greeting.go'),
    'package greeting\n\nfunc Hello() string { return "hello" }\n',
  );
  writeFileSync(join(src, 'vendor', 'modules.txt'), '# example.com/greeting v1.2.3\n## explicit\nexample.com/greeting\n');
  const out = join(work, 'go-bin', 'hello');
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', out, '.'], {
    cwd: src,
    stdio: 'ignore',
    env: {
      ...process.env,
      GOFLAGS: '-mod=vendor',
      GOPROXY: 'off',
      CGO_ENABLED: '0',
      GOCACHE: join(work, 'go-cache'),
      GOPATH: join(work, 'go-path'),
    },
  });
  return out;
}

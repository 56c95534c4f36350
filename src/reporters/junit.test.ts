import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { severityRank } from '../core/types.js';
import { getRegistry, scanSync } from '../scan.js';
import { junitReporter, xmlAttr, xmlText } from './junit.js';
import { realResult, selectedRules, syntheticResult } from './testing/fixtures.js';
import { parseXml, type XmlElement } from './testing/xml.js';

const ctx = { rules: selectedRules(), lookup: (k: string) => getRegistry().get(k), color: false, failOn: 'high' as const };
const cases = (suite: XmlElement) => suite.children.filter((c) => c.name === 'testcase');

describe('the strict XML reader used by these tests', () => {
  it.each([
    ['<a><b></a></b>', /does not match/],
    ['<a x=1/>', /unquoted/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a>x & y</a>', /bare '&'/],
    ['<a x="<"/>', /raw '<'/],
    ['<a>\u0001</a>', /not allowed/],
    ['<a/><b/>', /after the root/],
    ['<a>', /unclosed/],
    ['<a>&nbsp;</a>', /unknown entity/],
  ])('rejects %j', (xml, error) => {
    expect(() => parseXml(xml)).toThrow(error);
  });
});

describe('JUnit reporter', () => {
  it('writes well-formed XML for a real scan: one suite per rule, a failing case per finding at or above --fail-on', () => {
    const doc = parseXml(junitReporter(realResult(), ctx));
    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toMatchObject({ name: 'sanctum', tests: '3', failures: '1', errors: '1', skipped: '1' });
    const [rule, errors] = doc.children;
    expect(rule.attrs).toMatchObject({ name: 'K8S-0003 privileged-container', tests: '2', failures: '1', skipped: '1' });
    const [failing, suppressed] = cases(rule);
    expect(failing.attrs.classname).toBe('deploy/pod dir/vllm.yaml');
    expect(failing.attrs.name).toBe('K8S-0003 deploy/pod dir/vllm.yaml:11:7 Pod/llm/vllm');
    const failure = failing.children[0];
    expect(failure.name).toBe('failure');
    expect(failure.attrs).toEqual({ message: "Container 'vllm' runs privileged", type: 'critical' });
    expect(failure.text).toContain('/spec/containers/0/securityContext/privileged');
    expect(failure.text).toContain('https://sanctum.dev/docs/rules/privileged-container.md');
    expect(suppressed.children[0]).toMatchObject({
      name: 'skipped',
      attrs: { message: 'suppressed (inline): the mesh needs it & <more>' },
    });
    expect(errors.attrs).toMatchObject({ name: 'sanctum: scan errors', errors: '1' });
    expect(cases(errors)[0].children[0]).toMatchObject({ name: 'error', attrs: { type: 'scan-error' } });
  });

  it('escapes markup, quotes and control characters in messages, paths and reasons', () => {
    const xml = junitReporter(syntheticResult(), ctx);
    const doc = parseXml(xml);
    const [rule, errors] = doc.children;
    const [fixed, low, accepted] = cases(rule);
    expect(fixed.children[0].attrs.message).toBe('Container "a&b" <runs> privileged');
    expect(xml).toContain('message="Container &quot;a&amp;b&quot; &lt;runs&gt; privileged"');
    expect(low.children[0]).toMatchObject({
      name: 'skipped',
      attrs: { message: 'low, below --fail-on high: low one \uFFFD with a control character' },
    });
    expect(accepted.children[0].attrs.message).toBe('suppressed (config): ticket SEC-1');
    expect(cases(errors)[0].attrs.classname).toBe('k8s/bad "one".yaml');
    expect(cases(errors)[0].children[0].attrs.message).toBe('YAML parse error at line 2: <unexpected> & done');
  });

  it('follows --fail-on: at low every unsuppressed finding fails', () => {
    const doc = parseXml(junitReporter(syntheticResult(), { ...ctx, failOn: 'low' }));
    expect(doc.attrs).toMatchObject({ failures: '2', skipped: '1' });
  });

  it('lists a rule that ran without findings as one passing test case', () => {
    const empty = { ...realResult(), findings: [], errors: [] };
    const doc = parseXml(junitReporter(empty, ctx));
    expect(doc.attrs).toMatchObject({ tests: '1', failures: '0', errors: '0' });
    expect(cases(doc.children[0])[0]).toMatchObject({ attrs: { name: 'K8S-0003 Privileged container' }, children: [] });
  });

  it('the JUnit XML of a scan of the demo platform with every rule is well-formed', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const result = scanSync({ targets: ['examples/ai-platform'], cwd: root, config: false });
    const doc = parseXml(junitReporter(result, { ...ctx, rules: getRegistry().rules }));
    const failing = result.findings.filter((f) => f.status === 'fail' && severityRank(f.severity) >= severityRank('high')).length;
    expect(Number(doc.attrs.failures)).toBe(failing);
    expect(doc.children.length).toBeGreaterThanOrEqual(getRegistry().rules.length);
  });

  it('escapes text and attributes', () => {
    expect(xmlText('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(xmlAttr(`"x"\n'y'\t`)).toBe('&quot;x&quot;&#10;&apos;y&apos;&#9;');
    expect(xmlText('\uD800 ok \uD83D\uDE00')).toBe('\uFFFD ok \uD83D\uDE00');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import { scanSync } from '../scan.js';
import { compileExpression, toCel } from './cel.js';

/**
 * Kubernetes' CEL libraries as the API server offers them to ValidatingAdmissionPolicy: each one
 * evaluated on its own, and in a policy that a scan runs on a manifest that passes and one that fails.
 */

const evaluate = (expression: string, object: unknown = {}): unknown =>
  compileExpression(expression, ['object']).evaluate({ object: toCel(object) }, 8, 1_000_000);

const dir = mkdtempSync(join(tmpdir(), 'sanctum-cel-libraries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The messages of a one-validation policy on the manifest, as `sanctum scan` reports them. */
function violations(expression: string, manifest: string): string[] {
  const policy = join(dir, 'policy.yaml');
  writeFileSync(
    policy,
    `apiVersion: policies.sanctum.dev/v1\nkind: SanctumPolicy\nmetadata: {name: lib}\nspec:\n  validations:\n  - expression: ${JSON.stringify(expression)}\n    message: violated\n`,
  );
  const scanned = scanSync({
    targets: ['m.yaml'],
    files: [new MemorySourceFile('m.yaml', manifest)],
    config: false,
    policies: [policy],
    cwd: dir,
  });
  expect(scanned.errors).toEqual([]);
  return scanned.findings.filter((f) => f.ruleId === 'policy:lib').map((f) => f.message);
}

const service = (fields: string) => `apiVersion: v1
kind: Service
metadata:
  name: vllm
  namespace: llm
  labels: {app.kubernetes.io/version: "0.6.3"}
spec:
${fields}`;

describe('the regex library (find, findAll) on RE2', () => {
  it('finds the first match and all non-overlapping matches, as Go does', () => {
    expect(evaluate("'abc 123'.find('[0-9]+')")).toBe('123');
    expect(evaluate("'abc'.find('[0-9]+')")).toBe('');
    expect(evaluate("'1, 2, 3, 4'.findAll('[0-9]+').map(x, int(x)).sum()")).toBe(10);
    expect(evaluate("'1, 2, 3'.findAll('[0-9]+', 2)")).toEqual(['1', '2']);
    expect(evaluate("'1, 2'.findAll('[0-9]+', 0)")).toEqual([]);
    // An empty match right after a match is not one (Go's FindAllString).
    expect(evaluate("'abc 123'.findAll('[0-9]*')")).toEqual(['', '', '', '', '123']);
  });

  it('refuses patterns outside RE2, as matches() does', () => {
    // A constant pattern when the expression is compiled, as the API server does; another when it runs.
    expect(() => evaluate("'ab'.find('(?<=a)b')")).toThrow(/at 1:11: invalid regular expression "\(\?<=a\)b" given to find\(\)/);
    expect(() => evaluate("'ab'.findAll('(a')")).toThrow(/missing closing \)/);
    expect(() => evaluate("'ab'.find(object.re)", { re: '(?<=a)b' })).toThrow(/invalid regular expression '\(\?<=a\)b'/);
  });

  it('stays linear on a pattern that makes a backtracking engine take exponential time', () => {
    // JavaScript's RegExp needs about 2^40 steps for this; RE2 answers at once (the test's time-out is the bound).
    expect(evaluate(`'${'a'.repeat(40)}!'.find('(a+)+$')`)).toBe('');
    expect(evaluate(`'${'a'.repeat(40)}!'.findAll('(a|aa)+b')`)).toEqual([]);
  });

  it('in a policy: image tags must look like versions', () => {
    const expression = "object.spec.template.spec.containers.all(c, c.image.find(':v?[0-9]+\\\\.[0-9]+[^:]*$') != '')";
    const deployment = (image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: c, image: "${image}"}\n`;
    expect(violations(expression, deployment('vllm/vllm-openai:v0.6.3'))).toEqual([]);
    expect(violations(expression, deployment('vllm/vllm-openai:latest'))).toEqual(['violated']);
  });
});

describe('the sets extension', () => {
  it('contains, equivalent and intersects with CEL equality', () => {
    expect(evaluate('sets.contains([1, 2, 3], [dyn(1.0), dyn(2u)]) && sets.contains([1], [])')).toBe(true);
    expect(evaluate('sets.contains([1], [1, 2])')).toBe(false);
    expect(evaluate("sets.equivalent(['a', 'b'], ['b', 'a', 'a']) && !sets.equivalent(['a'], ['a', 'b'])")).toBe(true);
    expect(evaluate("sets.intersects(['a', 'b'], ['c', 'b']) && !sets.intersects([], ['a'])")).toBe(true);
  });

  it('in a policy: only allowed capabilities are added', () => {
    const expression =
      "object.spec.containers.all(c, !has(c.securityContext.capabilities.add) || sets.contains(['NET_BIND_SERVICE'], c.securityContext.capabilities.add))";
    const pod = (caps: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx@sha256:${'a'.repeat(64)}\n    securityContext: {capabilities: {add: [${caps}]}}\n`;
    expect(violations(expression, pod('NET_BIND_SERVICE'))).toEqual([]);
    expect(violations(expression, pod('NET_BIND_SERVICE, SYS_ADMIN'))).toEqual(['violated']);
  });

  it('a variable named sets still reads as a variable', () => {
    expect(compileExpression('sets.size() > 0', ['sets']).evaluate({ sets: toCel([1]) }, 1, 1_000_000)).toBe(true);
  });
});

describe('the IP address and CIDR libraries', () => {
  it('parses addresses as Go netip does, without zones or IPv4-mapped IPv6', () => {
    expect(evaluate("ip('10.0.0.1').family() == 4 && ip('fd00::1').family() == 6")).toBe(true);
    expect(evaluate("isIP('10.0.0.1') && isIP('::1')")).toBe(true);
    expect(evaluate("isIP('010.0.0.1') || isIP('10.0.0') || isIP('fe80::1%eth0') || isIP('::ffff:10.0.0.1') || isIP('x')")).toBe(false);
    expect(() => evaluate("ip('::ffff:10.0.0.1')")).toThrow(/IPv4-mapped IPv6 address is not allowed/);
    expect(() => evaluate("ip('fe80::1%eth0')")).toThrow(/zone value is not allowed/);
    expect(evaluate("string(ip('2001:DB8:0:0:0:0:0:1'))")).toBe('2001:db8::1');
    expect(evaluate("string(ip('1:0:0:2:0:0:0:3'))")).toBe('1:0:0:2::3');
    expect(evaluate("ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1')")).toBe(true);
    expect(evaluate("ip('2001:db8::1') == ip('2001:DB8:0::1')")).toBe(true);
  });

  it('classifies addresses', () => {
    expect(evaluate("ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified()")).toBe(true);
    expect(evaluate("ip('127.0.0.2').isLoopback() && ip('::1').isLoopback() && !ip('10.0.0.1').isLoopback()")).toBe(true);
    expect(evaluate("ip('224.0.0.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast()")).toBe(true);
    expect(evaluate("ip('169.254.169.254').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast()")).toBe(true);
    expect(evaluate("ip('10.0.0.1').isGlobalUnicast() && ip('2001:db8::1').isGlobalUnicast()")).toBe(true);
    expect(evaluate("ip('255.255.255.255').isGlobalUnicast() || ip('224.0.0.1').isGlobalUnicast()")).toBe(false);
  });

  it('parses CIDRs and tests containment', () => {
    expect(evaluate("cidr('10.0.0.0/8').containsIP(ip('10.1.2.3')) && cidr('10.0.0.0/8').containsIP('10.255.0.1')")).toBe(true);
    expect(evaluate("cidr('10.0.0.0/8').containsIP('11.0.0.1') || cidr('::/0').containsIP('10.0.0.1')")).toBe(false);
    expect(evaluate("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR(cidr('10.0.0.0/8'))")).toBe(true);
    expect(evaluate("string(cidr('10.1.2.3/8').masked())")).toBe('10.0.0.0/8');
    expect(evaluate("cidr('10.1.2.3/8').ip() == ip('10.1.2.3') && cidr('fd00::/64').prefixLength() == 64")).toBe(true);
    expect(evaluate("isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.0') && !isCIDR('10.0.0.0/a')")).toBe(true);
    expect(() => evaluate("cidr('10.0.0.0/40')")).toThrow(/bad prefix length '40'/);
  });

  it('in a policy: LoadBalancer source ranges stay inside the private network', () => {
    const expression =
      "!has(object.spec.loadBalancerSourceRanges) || object.spec.loadBalancerSourceRanges.all(r, isCIDR(r) && cidr('10.0.0.0/8').containsCIDR(r))";
    expect(violations(expression, service('  type: LoadBalancer\n  loadBalancerSourceRanges: [10.20.0.0/16]\n'))).toEqual([]);
    expect(violations(expression, service('  type: LoadBalancer\n  loadBalancerSourceRanges: [0.0.0.0/0]\n'))).toEqual(['violated']);
  });
});

describe('the semver library', () => {
  it('parses strict SemVer, or normalizes when asked', () => {
    expect(evaluate("isSemver('1.2.3') && isSemver('1.2.3-rc.1+build.5')")).toBe(true);
    expect(evaluate("isSemver('v1.2.3') || isSemver('1.2') || isSemver('01.2.3') || isSemver(' 1.2.3')")).toBe(false);
    expect(evaluate("isSemver('v1.2', true) && semver('v01.2', true) == semver('1.2.0')")).toBe(true);
    expect(evaluate("semver('1.2.3').major() == 1 && semver('1.2.3').minor() == 2 && semver('1.2.3').patch() == 3")).toBe(true);
    expect(() => evaluate("semver('1.2')")).toThrow(/'1\.2' is not a valid semantic version/);
  });

  it('compares as SemVer: pre-releases first, build metadata ignored', () => {
    expect(evaluate("semver('1.10.0').isGreaterThan(semver('1.9.0')) && semver('1.0.0-rc.1').isLessThan(semver('1.0.0'))")).toBe(true);
    expect(evaluate("semver('1.0.0+a').compareTo(semver('1.0.0+b')) == 0 && semver('1.0.0+a') == semver('1.0.0+b')")).toBe(true);
    // compareTo of a Semver and of a Quantity live side by side.
    expect(evaluate("semver('2.0.0').compareTo(semver('1.0.0')) == 1 && quantity('1').compareTo(quantity('2')) == -1")).toBe(true);
  });

  it('in a policy: the app version label is at least 0.6.0', () => {
    const expression = "semver(object.metadata.labels['app.kubernetes.io/version'], true).compareTo(semver('0.6.0')) >= 0";
    expect(violations(expression, service('  ports: [{port: 80}]\n'))).toEqual([]);
    expect(violations(expression, service('  ports: [{port: 80}]\n').replace('"0.6.3"', 'v0.5'))).toEqual(['violated']);
  });
});

describe('the quantity, list, URL and strings libraries in policies', () => {
  const deployment = (memory: string, endpoint: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - name: b
        image: x
        resources: {limits: {memory: ${memory}}}
        env: [{name: ENDPOINT, value: "${endpoint}"}]
      - name: a
        image: y
`;
  it('quantity: memory limits at most 8Gi', () => {
    const expression =
      "object.spec.template.spec.containers.all(c, !has(c.resources) || quantity(c.resources.limits.memory).compareTo(quantity('8Gi')) <= 0)";
    expect(violations(expression, deployment('4096Mi', 'https://a'))).toEqual([]);
    expect(violations(expression, deployment('9G', 'https://a'))).toEqual(['violated']);
  });

  it('lists: container names sorted', () => {
    const expression = 'object.spec.template.spec.containers.map(c, c.name).isSorted()';
    expect(violations(expression, deployment('1Gi', 'https://a').replace('name: b', 'name: 0a'))).toEqual([]);
    expect(violations(expression, deployment('1Gi', 'https://a'))).toEqual(['violated']);
  });

  it('URLs: endpoints over https', () => {
    const expression =
      "object.spec.template.spec.containers.all(c, !has(c.env) || c.env.all(e, !isURL(e.value) || url(e.value).getScheme() == 'https'))";
    expect(violations(expression, deployment('1Gi', 'https://vllm.llm.svc:8443/v1'))).toEqual([]);
    expect(violations(expression, deployment('1Gi', 'http://vllm.llm.svc:8000/v1'))).toEqual(['violated']);
  });

  it('strings: lowerAscii, upperAscii, split, join, replace, substring, trim, indexOf, format', () => {
    expect(evaluate("'Vllm'.lowerAscii() + '-' + 'gpu'.upperAscii()")).toBe('vllm-GPU');
    expect(evaluate("'a/b/c'.split('/').join('.')")).toBe('a.b.c');
    expect(evaluate("'model:latest'.replace('latest', 'v1')")).toBe('model:v1');
    expect(evaluate("'registry.example/model'.substring(0, 'registry.example/model'.indexOf('/'))")).toBe('registry.example');
    expect(evaluate("'  x  '.trim()")).toBe('x');
    expect(evaluate("'%s has %d GPUs'.format(['node-1', 4])")).toBe('node-1 has 4 GPUs');
    const expression = "object.spec.template.spec.containers.all(c, c.name.lowerAscii() == c.name && c.name.trim() != '')";
    expect(violations(expression, deployment('1Gi', 'https://a'))).toEqual([]);
    expect(violations(expression, deployment('1Gi', 'https://a').replace('name: a', 'name: A'))).toEqual(['violated']);
  });
});

describe('the cost limit covers the library functions', () => {
  it('counts list and regex functions once per entry and set comparisons once per pair', () => {
    const linear = compileExpression("object.items.findAll('x').size() > 0", ['object']);
    const walk = compileExpression('object.items.isSorted()', ['object']);
    const pairs = compileExpression('sets.contains(object.items, object.items)', ['object']);
    expect(walk.cost(1000)).toBeGreaterThan(1000);
    expect(walk.cost(1000)).toBeLessThan(1100);
    expect(linear.cost(1000)).toBeGreaterThan(1000);
    expect(pairs.cost(1000)).toBeGreaterThan(1_000_000);
    const items = Array.from({ length: 2000 }, (_, i) => i);
    expect(() => pairs.evaluate({ object: toCel({ items }) }, 2000, 1_000_000)).toThrow(
      /estimated cost 4,00\d,\d{3} exceeds the limit of 1,000,000/,
    );
    expect(walk.evaluate({ object: toCel({ items }) }, 2000, 1_000_000)).toBe(true);
  });
});

describe('the format library', () => {
  it("validates names in the API server's words", () => {
    expect(evaluate("format.dns1123Label().validate('my-name').hasValue()")).toBe(false);
    expect(evaluate("format.dns1123Label().validate('My_Name').value()")).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(evaluate(`format.dns1123Label().validate('${'a'.repeat(64)}').value()`)).toEqual(['must be no more than 63 characters']);
    expect(
      evaluate("format.dns1123LabelPrefix().validate('my-prefix-').hasValue() || format.dns1123Label().validate('x-').hasValue() == false"),
    ).toBe(false);
    expect(evaluate("format.dns1123Subdomain().validate('apiextensions.k8s.io').hasValue()")).toBe(false);
    expect(evaluate("format.dns1035Label().validate('1abc').hasValue()")).toBe(true);
    expect(evaluate("format.qualifiedName().validate('example.com/My.Name').hasValue()")).toBe(false);
    expect(evaluate("format.qualifiedName().validate('/x').value()")).toEqual(['prefix part must be non-empty']);
    expect(evaluate("format.labelValue().validate('').hasValue() || format.portName().validate('http').hasValue()")).toBe(false);
    expect(evaluate("format.portName().validate('http--x').value()")).toEqual(['must not contain consecutive hyphens']);
    expect(evaluate("format.uuid().validate('123e4567-e89b-12d3-a456-426614174000').hasValue()")).toBe(false);
    expect(evaluate("format.byte().validate('aGVsbG8=').hasValue() || format.date().validate('2024-02-29').hasValue()")).toBe(false);
    expect(evaluate("format.date().validate('2023-02-29').value() == ['invalid date']")).toBe(true);
    expect(
      evaluate("format.date().validate('0012-01-01').hasValue() || format.datetime().validate('0099-12-31T23:59:59Z').hasValue()"),
    ).toBe(false);
    expect(evaluate("format.date().validate('0012-02-30').hasValue()")).toBe(true);
    expect(
      evaluate("format.datetime().validate('2024-01-01T10:00:00Z').hasValue() || !format.datetime().validate('yesterday').hasValue()"),
    ).toBe(false);
    expect(evaluate("format.uri().validate('https://example.com').hasValue() || !format.uri().validate('example.com').hasValue()")).toBe(
      false,
    );
    expect(evaluate("format.named('labelValue').hasValue() && !format.named('nope').hasValue()")).toBe(true);
    expect(evaluate("format.named('dns1035Label').value().validate('abc').hasValue()")).toBe(false);
  });

  it('in a policy: model server port names are valid', () => {
    const expression = 'object.spec.ports.all(p, !has(p.name) || !format.portName().validate(p.name).hasValue())';
    expect(violations(expression, service('  ports: [{name: http, port: 80}]\n'))).toEqual([]);
    expect(violations(expression, service('  ports: [{name: grpc--api, port: 80}]\n'))).toEqual(['violated']);
  });
});

describe('optional values in policies', () => {
  it('in a policy: at most 4 replicas, one when unset', () => {
    const expression = 'object.?spec.?replicas.orValue(1) <= 4';
    const deployment = (spec: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n${spec}`;
    expect(violations(expression, deployment('  template: {}\n'))).toEqual([]);
    expect(violations(expression, deployment('  replicas: 8\n'))).toEqual(['violated']);
  });
});

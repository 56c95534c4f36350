import { describe, expect, it } from 'vitest';
import { evaluateAdmissionPolicies } from './admission-policy.js';
import { MAX_MESSAGE, maskMessage, maskSecrets, objectSecrets } from './object-secrets.js';
import { compilePolicy } from './policy.js';
import { MemorySourceFile } from '../core/source-file.js';
import { getRegistry, scanSync } from '../scan.js';
import { jsonReporter } from '../reporters/json.js';
import { sarifReporter } from '../reporters/sarif.js';
import { selectedRules } from '../reporters/testing/fixtures.js';
import { fake } from '../rules/secrets/lib/fakes.js';

const PASSWORD = 'hunter2-Correct-Horse';
const TOKEN = 'q8Zt3Lm0Rx7Vw2Kp9Yb4';
/** An Anthropic key in the form the secret rules know. */
const KEY = `sk-ant-api03-${'Q7xv2LkP9mZr4TbW8nYc1HsJ6dFg3KqA0uVe5XoNiRt'.repeat(2)}-AAAAAA`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'llm' },
  data: { password: b64(PASSWORD) },
  stringData: { token: TOKEN },
};
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'vllm', namespace: 'llm' },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: 'vllm',
            image: 'vllm/vllm-openai:v0.6.3',
            env: [
              { name: 'DB_PASSWORD', value: PASSWORD },
              { name: 'MODEL_NAME', value: 'meta-llama/Llama-3.1-8B' },
              { name: 'PASSWORD_AUTH', value: 'true' },
            ],
          },
        ],
      },
    },
  },
};
const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'llm' },
  data: { apiKey: TOKEN, apiKeyName: 'OPENAI_API_KEY', region: 'eu-west-1' },
};

describe('messages of custom policies show no secret of the object they read', () => {
  const quoting = (messageExpression: string) =>
    compilePolicy('quote', 'test', { validations: [{ expression: 'false', messageExpression }] });

  it("masks a Secret's data, as stored (base64) and decoded, and its stringData", () => {
    const [v] = quoting("'password ' + object.data.password + ', token ' + object.stringData.token").evaluate({ object: secret });
    expect(v.message).toBe(
      `password Secret data.password ${b64(PASSWORD).slice(0, 2)}… (${b64(PASSWORD).length} chars), token Secret stringData.token q8… (20 chars)`,
    );
    expect(maskSecrets(`decoded: ${PASSWORD}.`, objectSecrets(secret))).toBe('decoded: Secret data.password hu… (21 chars).');
  });

  it("masks no ordinary word of a Secret's values (settings, short values, the object's own names) in the policy's text", () => {
    const db = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'myapp-db', namespace: 'production', labels: { app: 'myapp' } },
      data: { enabled: b64('true'), user: b64('admin'), database: b64('myapp'), ns: b64('production'), password: b64('s3cr3t') },
      stringData: { port: '5432', host: '<host>', dsn: 'postgres://admin:Zq81-kLm@db' },
    };
    const [v] = quoting(
      "'Secret ' + object.metadata.name + ' in ' + object.metadata.namespace + ' must be true; admin=' + object.metadata.labels.app" +
        " + ', ' + object.data.enabled + ', ' + object.data.database + ', ' + object.stringData.host + ', ' + object.stringData.port" +
        " + ', password s3cr3t, dsn ' + object.stringData.dsn",
    ).evaluate({ object: db });
    expect(v.message).toBe(
      `Secret myapp-db in production must be true; admin=myapp, ${b64('true')}, ${b64('myapp')}, <host>, 5432, ` +
        'password Secret data.password s… (6 chars), dsn Secret stringData.dsn po… (28 chars)',
    );
  });

  it('masks a long value of many lines, quoted whole or one line, in time linear in its size', () => {
    // 100,000 lines: each line was searched over the whole message, minutes in all.
    const lines = Array.from({ length: 100_000 }, (_, i) => `line-${i.toString(36)}-Xq`);
    const value = lines.join('\n');
    const big = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'big' }, stringData: { bundle: value } };
    const secrets = objectSecrets(big);
    expect(maskSecrets(`quoted: ${value}.`, secrets)).toBe(`quoted: Secret stringData.bundle li… (${value.length} chars).`);
    expect(maskSecrets(`one: ${lines[54321]}!`, secrets)).toBe('one: Secret stringData.bundle li… (12 chars)!');
  });

  it('masks the values of env variables and ConfigMap keys whose names say they hold a credential, and only those', () => {
    const [v] = quoting("object.spec.template.spec.containers[0].env.map(e, e.name + '=' + e.value).join(', ')").evaluate({
      object: deployment,
    });
    expect(v.message).toBe('DB_PASSWORD=env DB_PASSWORD hu… (21 chars), MODEL_NAME=meta-llama/Llama-3.1-8B, PASSWORD_AUTH=true');
    const [c] = quoting("object.data.apiKey + ' ' + object.data.apiKeyName + ' ' + object.data.region").evaluate({ object: configMap });
    expect(c.message).toBe('ConfigMap data.apiKey q8… (20 chars) OPENAI_API_KEY eu-west-1');
  });

  it('masks the secrets of params and oldObject, and a value quoted in an evaluation error', () => {
    const p = compilePolicy('p', 'test', {
      validations: [
        { expression: 'false', messageExpression: "'params: ' + params.stringData.token + ', old: ' + oldObject.stringData.token" },
        { expression: 'int(params.stringData.token) > 0' },
      ],
    });
    const [a, b] = p.evaluate({ object: deployment, params: secret, oldObject: secret });
    expect(a.message).toBe('params: Secret stringData.token q8… (20 chars), old: Secret stringData.token q8… (20 chars)');
    expect(b.message).not.toContain(TOKEN);
  });

  it("masks the values of an image's Env entries named as credentials in an image-config policy", () => {
    const p = compilePolicy('img', 'test', {
      target: 'image-config',
      validations: [{ expression: 'false', messageExpression: "object.config.Env.join(' ')" }],
    });
    const [v] = p.evaluate({
      object: { config: { Env: [`HF_TOKEN=${TOKEN}`, 'PATH=/usr/bin'] } },
      image: { env: { HF_TOKEN: TOKEN, PATH: '/usr/bin' } },
    });
    expect(v.message).toBe('HF_TOKEN=env HF_TOKEN q8… (20 chars) PATH=/usr/bin');
  });

  it('tells a value in a known format by its format, and masks one found in no field of the object', () => {
    const [v] = quoting("'key ' + object.stringData.key + ', literal " + KEY + "'").evaluate({
      object: { ...secret, stringData: { key: KEY } },
    });
    expect(v.message).toBe(
      `key Anthropic API key sk-ant-ap… (${KEY.length} chars), literal Anthropic API key sk-ant-ap… (${KEY.length} chars)`,
    );
  });
});

describe('secrets in annotations and on command lines', () => {
  const quoting = (messageExpression: string) =>
    compilePolicy('quote', 'test', { validations: [{ expression: 'false', messageExpression }] });
  const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
  const PEM = 'MIIEvQIBADANBgkqhkiG9w0B\nAQEFAASCBKcwggSjAgEAAoIB';

  it("masks the values of a Secret, a ConfigMap's credentials and env values inside last-applied-configuration, escaped as JSON writes them", () => {
    const applied = { ...secret, stringData: { token: TOKEN, 'tls.key': PEM } };
    const annotated = { ...applied, metadata: { ...secret.metadata, annotations: { [LAST_APPLIED]: JSON.stringify(applied) } } };
    const [v] = quoting(`string(object.metadata.annotations['${LAST_APPLIED}'])`).evaluate({ object: annotated });
    expect(v.message).toBe(
      JSON.stringify(applied)
        .replace(b64(PASSWORD), `Secret data.password ${b64(PASSWORD).slice(0, 2)}… (${b64(PASSWORD).length} chars)`)
        .replace(TOKEN, 'Secret stringData.token q8… (20 chars)')
        .replace(JSON.stringify(PEM).slice(1, -1), 'Secret stringData.tls.key MI… (50 chars)'),
    );
    // The Secret's values are gone from the stored object (a cluster's copy): the annotation still holds them.
    const stripped = { ...annotated, data: {}, stringData: {} };
    const [w] = quoting(`'token ' + string(object.metadata.annotations['${LAST_APPLIED}'])`).evaluate({ object: stripped });
    expect(w.message).not.toContain(TOKEN);
    expect(w.message).not.toContain(b64(PASSWORD));
    expect(w.message).toContain('Secret stringData.token q8… (20 chars)');
    for (const object of [configMap, deployment]) {
      const withCopy = { ...object, metadata: { ...object.metadata, annotations: { [LAST_APPLIED]: JSON.stringify(object) } } };
      const [m] = quoting(`string(object.metadata.annotations['${LAST_APPLIED}'])`).evaluate({
        object: { ...withCopy, data: {}, spec: {} },
      });
      expect(m.message).not.toContain(object === configMap ? TOKEN : PASSWORD);
      expect(m.message).toContain(object === configMap ? 'ConfigMap data.apiKey q8… (20 chars)' : 'env DB_PASSWORD hu… (21 chars)');
    }
  });

  it('masks an annotation whose key names a credential, and not one that does not or a copy that is not JSON', () => {
    const object = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 's',
        annotations: { 'example.com/api-token': TOKEN, 'example.com/owner': 'team-ml-platform', [LAST_APPLIED]: '{not json' },
      },
    };
    const [v] = quoting("object.metadata.annotations.map(k, k + '=' + object.metadata.annotations[k]).join(', ')").evaluate({ object });
    expect(v.message).toBe(
      `example.com/api-token=annotation example.com/api-token q8… (20 chars), example.com/owner=team-ml-platform, ${LAST_APPLIED}={not json`,
    );
  });

  it('masks credential flags and assignments in command and args, and not other flags or placeholders', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'a',
            image: 'x:1',
            command: ['sh', '-c', `serve --password "${PASSWORD}" && HF_TOKEN=${TOKEN}x exec run`],
            args: [
              '--api-key=Zq81kLm-4Rt9Vx2b',
              '--token',
              'Yb4q8Zt3Lm0Rx7Vw2Kp9',
              '--max-tokens',
              '4096',
              '--model',
              'meta-llama/Llama-3.1-8B',
              '--auth-token=$(AUTH_TOKEN)',
              '--token-file',
              '/var/run/secrets/token',
              'OPENAI_API_KEY=Hs9Jd6Fg3KqA0uVe',
            ],
          },
        ],
      },
    };
    const [v] = quoting("object.spec.containers[0].command.join(' ') + ' | ' + object.spec.containers[0].args.join(' ')").evaluate({
      object: pod,
    });
    expect(v.message).toBe(
      `sh -c serve --password "command --password hu… (21 chars)" && HF_TOKEN=command HF_TOKEN q8… (21 chars) exec run | ` +
        '--api-key=args --api-key Zq… (16 chars) --token args --token Yb… (20 chars) --max-tokens 4096 --model meta-llama/Llama-3.1-8B ' +
        '--auth-token=$(AUTH_TOKEN) --token-file /var/run/secrets/token OPENAI_API_KEY=args OPENAI_API_KEY Hs… (16 chars)',
    );
  });

  it("masks credentials on an image's command line and in its history's build arguments", () => {
    const p = compilePolicy('img', 'test', {
      target: 'image-config',
      validations: [
        { expression: 'false', messageExpression: "image.cmd.join(' ') + ' | ' + image.history.map(h, h.createdBy).join(' | ')" },
      ],
    });
    const [v] = p.evaluate({
      object: { config: {} },
      image: {
        env: {},
        cmd: ['serve', '--token', TOKEN],
        history: [{ createdBy: `|1 HF_TOKEN=${PASSWORD} /bin/sh -c pip install x` }, { createdBy: 'ENV PATH=/usr/bin' }],
      },
    });
    expect(v.message).toBe(
      'serve --token Cmd --token q8… (20 chars) | |1 HF_TOKEN=history HF_TOKEN hu… (21 chars) /bin/sh -c pip install x | ENV PATH=/usr/bin',
    );
  });
});

describe('secrets an expression transformed', () => {
  const quoting = (messageExpression: string) =>
    compilePolicy('quote', 'test', { validations: [{ expression: 'false', messageExpression }] });
  const message = (expression: string, object: object = secret) => quoting(expression).evaluate({ object: object as never })[0].message;

  it('masks a value in another ASCII case', () => {
    expect(message('object.stringData.token.upperAscii()')).toBe('Secret stringData.token Q8… (20 chars)');
    expect(message("'x ' + object.stringData.token.lowerAscii()")).toBe('x Secret stringData.token q8… (20 chars)');
  });

  it('masks a part of 8 or more characters (substring, split, pieces joined), and not a shorter one', () => {
    expect(message("'start ' + object.stringData.token.substring(0, 10) + ' end'")).toBe(
      'start Secret stringData.token q8… (10 chars) end',
    );
    expect(message("'start ' + object.stringData.token.substring(0, 7) + ' end'")).toBe('start q8Zt3Lm end');
    expect(message("object.stringData.token.substring(0, 10) + ' and ' + object.stringData.token.substring(10)")).toBe(
      'Secret stringData.token q8… (10 chars) and Secret stringData.token 7V… (10 chars)',
    );
    const dsn = { ...secret, stringData: { dsn: 'postgres://admin:Zq81kLm9Qx@db.internal:5432/app' } };
    expect(message("'user part: ' + object.stringData.dsn.split('@')[0]", dsn)).toBe('user part: Secret stringData.dsn po… (27 chars)');
    expect(message("object.stringData.dsn.split('@').join(' at ')", dsn)).toBe(
      'Secret stringData.dsn po… (27 chars) at Secret stringData.dsn db… (20 chars)',
    );
  });

  it("does not mask the words and URLs a value shares with the policy's text", () => {
    const words = { ...secret, stringData: { password: 'MyPassword-https://internal' } };
    expect(message("'Password must not be set; see https://docs.example.com/secrets'", words)).toBe(
      'Password must not be set; see https://docs.example.com/secrets',
    );
  });

  it('masks the base64 of a value, alone or inside the base64 of a longer text', () => {
    const secrets = objectSecrets(secret);
    expect(maskSecrets(`token ${b64(TOKEN)}.`, secrets)).toBe(
      `token Secret stringData.token (base64) ${b64(TOKEN).slice(0, 2)}… (28 chars).`,
    );
    for (const user of ['admin:', 'root:', 'u:']) {
      const basic = b64(user + PASSWORD);
      const masked = maskSecrets(`Authorization: Basic ${basic}`, secrets);
      expect(masked).toMatch(/^Authorization: Basic .{0,12}Secret data\.password (?:\(base64\) )?.{2}… \(\d+ chars\)/);
      expect(masked).not.toContain(basic.slice(8, 24));
    }
  });
});

describe('long messages', () => {
  // 300 values of 2,600 random characters: 1,500 forms (value, base64 and its three cores), 4.9 M characters in all.
  const random = (n: number, seed: number) => fake('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', n, `long-${seed}`);
  const stringData = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`key${i}`, random(2600, i + 1)]));
  const many = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'many' }, stringData };
  const values = Object.values(stringData);
  const quoting = (messageExpression: string) =>
    compilePolicy('quote', 'test', { validations: [{ expression: 'false', messageExpression }] });
  const leaks = (message: string, secrets: readonly string[]) => secrets.filter((v) => message.includes(v.slice(10, 20)));

  it('cuts a message past MAX_MESSAGE characters, with a marker, and masks every value quoted in it, past 1 Mi characters of values too', () => {
    expect(objectSecrets(many).reduce((n, s) => n + s.value.length, 0)).toBeGreaterThan(4 << 20);
    // Quoted in part (a substring with no start of the value), values past the old bound of fragments; the
    // message (4,799 characters) under the API server's 5 KiB for a messageExpression, over MAX_MESSAGE.
    const [v] = quoting("object.stringData.map(k, object.stringData[k].substring(1, 30)).slice(140, 300).join(' ')").evaluate({
      object: many,
    });
    expect(leaks(v.message, values)).toEqual([]);
    expect(v.message).toMatch(/^(?:Secret stringData\.key\d+ .{2}… \(29 chars\) )+… \(message of 4799 characters cut\)$/);
    const reversed = maskMessage([...values].reverse().map((x) => x.substring(1, 30)).join(' '), objectSecrets(many));
    expect(leaks(reversed, values)).toEqual([]);
    expect(reversed).toMatch(/^(?:Secret stringData\.key\d+ .{2}… \(29 chars\) )+… \(message of 8999 characters cut\)$/);
    // The cut is made before masking (masks are longer than these parts: the message shows more than MAX_MESSAGE characters).
    expect(reversed.split('Secret').length - 1).toBe(Math.floor((MAX_MESSAGE + 1) / 30));
    // Two values quoted whole, the cut through the second: it is left out.
    const [two] = quoting("object.stringData.map(k, object.stringData[k].substring(1, 2300)).slice(0, 2).join(' ')").evaluate({ object: many });
    expect(leaks(two.message, values)).toEqual([]);
    expect(two.message).toBe('Secret stringData.key0 ' + two.message.slice(23, 25) + '… (2299 chars) … (message of 4599 characters cut)');
    // 780,000 characters quoting every value: over 5 KiB, so the API server's fallback (no message: the expression).
    const [all] = quoting("object.stringData.map(k, object.stringData[k].substring(1)).join(' ')").evaluate({ object: many });
    expect(all.message).toBe('failed expression: false');
  });

  it('leaves out a value, a word or a key in a known format the cut goes through', () => {
    const passphrase = 'correcthorsebatterystaple'.repeat(4); // no fragment finds a part of it
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'p' }, stringData: { password: passphrase } };
    const secrets = objectSecrets(secret);
    for (const at of [MAX_MESSAGE - 90, MAX_MESSAGE - 50, MAX_MESSAGE - 9, MAX_MESSAGE - 1]) {
      const padding = 'x '.repeat(at / 2) + (at % 2 ? ' ' : '');
      for (const quoted of [passphrase, KEY, 'plainword'.repeat(15)]) {
        const message = maskMessage(`${padding}${quoted} and more`, secrets);
        expect(message.endsWith(`… (message of ${at + quoted.length + 9} characters cut)`)).toBe(true);
        expect(message).not.toContain(quoted.slice(0, 4));
        expect(message.startsWith(padding)).toBe(true);
      }
    }
  });

  it('leaves out a value with separators whose last word runs on past the cut (the cut moved to that word is out of the value again)', () => {
    const words = 'correct horse battery staple';
    const PEM = `-----BEGIN PRIVATE KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'.repeat(3)}\n-----END PRIVATE KEY-----`;
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'p' }, stringData: { password: words, key: KEY } };
    const secrets = objectSecrets(secret);
    // The reviewer's case: the value at 4,000, followed by word characters past the cut at 4,096.
    expect(maskMessage(`${'x '.repeat(2000)}${words}${'y'.repeat(6000)}`, secrets)).toBe(
      `${'x '.repeat(2000)}… (message of 10028 characters cut)`,
    );
    const leaks = (message: string, value: string) => {
      for (let i = 0; i + 4 <= value.length; i++) if (message.includes(value.slice(i, i + 4))) return value.slice(i, i + 4);
      return undefined;
    };
    // Around the cut, followed by word characters, by a blank, by a separator: no part of a value shown.
    for (let at = MAX_MESSAGE - 40; at <= MAX_MESSAGE + 10; at++) {
      const padding = 'x '.repeat(Math.floor(at / 2)) + (at % 2 ? ' ' : '');
      for (const after of ['y'.repeat(6000), ' and more', ':y'.repeat(3000)]) {
        const spaced = maskMessage(`${padding}${words}${after}`, secrets);
        for (const word of words.split(' ')) expect(spaced).not.toContain(word);
        expect(spaced.startsWith(padding.slice(0, Math.min(at, MAX_MESSAGE - 60)))).toBe(true);
        const key = maskMessage(`${padding}${KEY}${after}`, secrets);
        // Told by its format when whole before the cut (`sk-ant-ap… (108 chars)`): nothing past its first 9 characters.
        expect(leaks(key, KEY.slice(9))).toBeUndefined();
        // A key in a known format found in no field of the object (a PEM has blanks and a line break).
        const pem = maskMessage(`${padding}${PEM}${after}`, secrets);
        expect(leaks(pem, PEM.slice(28, -26))).toBeUndefined();
        expect(pem).not.toContain('END PRIVATE');
      }
    }
  });
});

describe('evaluateAdmissionPolicies (library) returns messages without secrets', () => {
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'no-secrets' },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['secrets'] }] },
      validations: [{ expression: 'false', messageExpression: "'token ' + object.stringData.token + ', key ' + object.stringData.key" }],
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'no-secrets' },
    spec: { policyName: 'no-secrets', validationActions: ['Deny'] },
  };

  it('masks Secret values and keys in known formats', () => {
    const findings = evaluateAdmissionPolicies([policy, binding, { ...secret, stringData: { token: TOKEN, key: KEY } }]);
    expect(findings.map((f) => f.message)).toEqual([
      `ValidatingAdmissionPolicy no-secrets (binding no-secrets, Deny): token Secret stringData.token q8… (20 chars), key Anthropic API key sk-ant-ap… (${KEY.length} chars)`,
    ]);
  });
});

describe('evidence the engine takes from the located text', () => {
  it('masks the secrets of the object on a manifest of one line (JSON), and keys in known formats', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'llm', annotations: { 'example.com/api-token': TOKEN } },
      spec: {
        containers: [
          {
            name: 'a',
            image: 'vllm/vllm-openai:v0.6.3',
            command: ['sh', '-c', `serve --api-key=${TOKEN} --password ${PASSWORD}`],
            env: [
              { name: 'DB_PASSWORD', value: PASSWORD },
              { name: 'OTHER', value: KEY },
            ],
          },
        ],
      },
    };
    const text = JSON.stringify(pod);
    const findings = scanSync({ targets: ['pod.json'], files: [new MemorySourceFile('pod.json', text)], config: false }).findings;
    const f = findings.find((x) => x.ruleId === 'K8S-0106')!;
    expect(f.location).toEqual(expect.objectContaining({ path: 'pod.json', startLine: 1, startColumn: 138, endLine: 1, endColumn: 499 }));
    expect(f.evidence).toBe(
      '"spec":{"containers":[{"name":"a","image":"vllm/vllm-openai:v0.6.3","command":["sh","-c","serve --api-key=annotation example.com/api-token q8… (20 chars) --pass…',
    );
    for (const x of findings) for (const secret of [TOKEN, PASSWORD, KEY.slice(0, 24)]) expect(JSON.stringify(x)).not.toContain(secret);
    // The same pod in block YAML: short lines quote one field, and are left as they are.
    const yaml = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: llm\nspec:\n  containers:\n  - name: a\n    image: vllm/vllm-openai:v0.6.3\n`;
    const g = scanSync({ targets: ['pod.yaml'], files: [new MemorySourceFile('pod.yaml', yaml)], config: false }).findings.find(
      (x) => x.ruleId === 'K8S-0106',
    )!;
    expect(g.evidence).toBe('spec: …');
  });
});

describe('evidence masked across the cuts of the located text', () => {
  // Random-looking: masked whole as values of the object; a lowercase passphrase has no fragment to find it by.
  const random = (n: number, seed: number) => fake('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789', n, `cut-${seed}`);
  const PASSPHRASE = 'correcthorsebatterystaple'.repeat(2); // 50 characters, lowercase
  const ctx = { rules: selectedRules(), lookup: (k: string) => getRegistry().get(k), color: false, failOn: 'high' as const };
  const scanJson = (args: string[]) => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'llm' },
      spec: { containers: [{ name: 'a', image: 'vllm/vllm-openai:v0.6.3', args }] },
    };
    const text = JSON.stringify(pod);
    const result = scanSync({ targets: ['pod.json'], files: [new MemorySourceFile('pod.json', text)], config: false });
    return { text, result, f: result.findings.find((x) => x.ruleId === 'K8S-0106')! };
  };
  const visible = (result: ReturnType<typeof scanSync>) => [
    jsonReporter(result, ctx),
    sarifReporter(result, ctx),
    ...result.findings.map((f) => f.evidence ?? ''),
  ];
  const leaks = (out: string, secret: string) => {
    for (let i = 0; i + 8 <= secret.length; i++) if (out.includes(secret.slice(i, i + 8))) return secret.slice(i, i + 8);
    return undefined;
  };

  it('leaves out a value across the old 200-character snippet cap after a long masked value (the reviewer’s case)', () => {
    const token = random(80, 7);
    const { text, result, f } = scanJson([`--token=${token}`, `--password=${PASSPHRASE}`]);
    const spec = text.indexOf('"spec"');
    const at = text.indexOf(PASSPHRASE) - spec;
    expect(at).toBeGreaterThan(160);
    expect(at).toBeLessThan(200);
    expect(at + PASSPHRASE.length).toBeGreaterThan(200);
    for (const out of visible(result)) for (const secret of [token, PASSPHRASE]) expect(leaks(out, secret)).toBeUndefined();
    expect(f.evidence).toMatch(/^"spec":\{"containers":\[\{"name":"a","image":"vllm\/vllm-openai:v0\.6\.3","args":\["--token=/);
  });

  it('leaves out a value across the 416-character read when masked values before it bring it into the 160 shown', () => {
    // One long token, masked to a few dozen characters, sized so that the passphrase starts at 400 of the
    // located text: across the read of 160 + 256 characters, and within the 160 shown once the token is masked.
    const probe = scanJson([`--token=${random(200, 1)}`, `--password=${PASSPHRASE}`]).text;
    const length = 200 + 400 - (probe.indexOf(PASSPHRASE) - probe.indexOf('"spec"'));
    const tokens = [random(length, 1)];
    const { text, result, f } = scanJson([`--token=${tokens[0]}`, `--password=${PASSPHRASE}`]);
    expect(text.indexOf(PASSPHRASE) - text.indexOf('"spec"')).toBe(400);
    for (const out of visible(result)) for (const secret of [...tokens, PASSPHRASE]) expect(leaks(out, secret)).toBeUndefined();
    expect(f.evidence!.endsWith('…')).toBe(true);
  });

  it('leaves out an unquoted value with spaces in a one-line flow mapping, wherever the read cuts it', () => {
    const words = 'correct horse battery staple';
    const flowPod = (token: string, value: string) =>
      `{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: llm}, spec: {containers: [{name: a, image: vllm/vllm-openai:v0.6.3, args: [--token=${token}], env: [{name: DB_PASSWORD, value: ${value}}, {name: X, value: y}]}]}}\n`;
    const scanFlow = (text: string) => scanSync({ targets: ['pod.yaml'], files: [new MemorySourceFile('pod.yaml', text)], config: false });
    const probe = flowPod(random(100, 1), words);
    const at = probe.indexOf(words) - probe.indexOf('spec');
    // The read of 416 characters cut after 1, 5, … characters of the value; the masked token brings it into the 160 shown.
    for (const into of [1, 5, 8, 9, 14, 20, 27]) {
      const token = random(100 + 416 - into - at, 1);
      const text = flowPod(token, words);
      expect(text.indexOf(words) - text.indexOf('spec') + into).toBe(416);
      const result = scanFlow(text);
      const f = result.findings.find((x) => x.ruleId === 'K8S-0106')!;
      expect(f.evidence).toMatch(/^spec: \{containers: \[\{name: a, image: vllm\/vllm-openai:v0\.6\.3, args: \[--token=/);
      for (const out of visible(result)) {
        expect(leaks(out, token)).toBeUndefined();
        for (const word of words.split(' ')) expect(out).not.toContain(word);
      }
    }
    // A value going on on the next line: the first line ends inside it.
    const result = scanFlow(flowPod('abc', 'correct horse\n    battery staple'));
    for (const out of visible(result)) for (const word of words.split(' ')) expect(out).not.toContain(word);
    expect(result.findings.find((x) => x.ruleId === 'K8S-0106')!.evidence).toMatch(/value: …$/);
  });

  it('leaves out a single-quoted value with a comma, and counts no bracket inside single quotes (YAML flow)', () => {
    const words = ['correct', 'horse', 'battery', 'staple'];
    const flowPod = (args: string, value: string) =>
      `{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: llm}, spec: {containers: [{name: a, image: vllm/vllm-openai:v0.6.3, args: [${args}], env: [{name: DB_PASSWORD, value: ${value}}, {name: X, value: y}]}]}}\n`;
    const scanFlow = (text: string) => scanSync({ targets: ['pod.yaml'], files: [new MemorySourceFile('pod.yaml', text)], config: false });
    const evidenceOf = (result: ReturnType<typeof scanSync>) => result.findings.find((x) => x.ruleId === 'K8S-0106')!.evidence;
    const shown = (result: ReturnType<typeof scanSync>) => {
      for (const out of visible(result)) for (const word of words) expect(out).not.toContain(word);
    };
    const head = 'spec: {containers: [{name: a, image: vllm/vllm-openai:v0.6.3, args: [';
    // A single-quoted value with a comma, going on on the next line: left out from its opening quote.
    const comma = scanFlow(flowPod('--x', "'correct, horse\n    battery staple'"));
    shown(comma);
    expect(evidenceOf(comma)).toBe(`${head}--x], env: [{name: DB_PASSWORD, value: ' …`);
    // '' inside single quotes is a quote, not the string's end.
    const escaped = scanFlow(flowPod('--x', "'it''s, correct, horse\n    battery staple'"));
    shown(escaped);
    expect(evidenceOf(escaped)).toBe(`${head}--x], env: [{name: DB_PASSWORD, value: ' …`);
    // Brackets and braces inside single quotes earlier on the line do not close the flow collection.
    const brackets = scanFlow(flowPod("'}}}}]]]]'", 'correct horse\n    battery staple'));
    shown(brackets);
    expect(evidenceOf(brackets)).toBe(`${head}'}}}}]]]]'], env: [{name: DB_PASSWORD, value: …`);
    // An apostrophe inside a plain scalar opens no string: the comma-separated value after it is left out as before.
    const apostrophe = scanFlow(flowPod("don't]]", 'correct horse\n    battery staple'));
    shown(apostrophe);
    // The read of 416 characters cutting a single-quoted value with a comma after 1, 5, … characters.
    const value = "'correct, horse battery staple'";
    const probe = flowPod(`--token=${random(100, 1)}`, value);
    const at = probe.indexOf(value) - probe.indexOf('spec');
    for (const into of [1, 5, 8, 9, 10, 14, 20, 27]) {
      const token = random(100 + 416 - into - at, 1);
      const text = flowPod(`--token=${token}`, value);
      expect(text.indexOf(value) - text.indexOf('spec') + into).toBe(416);
      const result = scanFlow(text);
      expect(evidenceOf(result)).toMatch(/^spec: \{containers: \[\{name: a, image: vllm\/vllm-openai:v0\.6\.3, args: \[--token=/);
      shown(result);
      for (const out of visible(result)) expect(leaks(out, token)).toBeUndefined();
    }
  });

  it('leaves evidence on block YAML as it was', () => {
    const yaml = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: llm\nspec:\n  containers:\n  - name: a\n    image: vllm/vllm-openai:v0.6.3\n    args: ["--token=${random(80, 7)}", "--password=${PASSPHRASE}"]\n`;
    const g = scanSync({ targets: ['pod.yaml'], files: [new MemorySourceFile('pod.yaml', yaml)], config: false }).findings;
    expect(g.find((x) => x.ruleId === 'K8S-0106')!.evidence).toBe('spec: …');
  });
});

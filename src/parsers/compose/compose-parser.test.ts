import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import { allParsers } from '../index.js';
import { isComposeName } from './compose-classifier.js';
import {
  ComposeDocument,
  interpolate,
  interpolateDefaults,
  parseShortPort,
  parseShortVolume,
  MAX_INTERPOLATED,
  MAX_PROJECT_SUBSTITUTED,
  substituteKnown,
  substituteProject,
} from './compose-document.js';

function parse(path: string, text: string): ComposeDocument[] {
  const file = new MemorySourceFile(path, text);
  const parser = allParsers.find((p) => p.matches(file) && p.produces.includes('compose'))!;
  return parser.parse(file, { limits: DEFAULT_LIMITS }).documents.filter((d): d is ComposeDocument => d instanceof ComposeDocument);
}

const project = `# AI stack
services:
  ollama:
    image: ollama/ollama:0.3.14
    ports:
      - "11434:11434"
      - target: 8080
        published: 8080
        host_ip: 127.0.0.1
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - models:/root/.ollama
      - type: bind
        source: ./data
        target: /data
        read_only: true
    environment:
      - OLLAMA_HOST=0.0.0.0
      - DEBUG
  ui:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      WEBUI_SECRET_KEY: abc
      PORT: 8080
volumes:
  models: {}
`;

describe('compose parser', () => {
  it('recognises compose file names', () => {
    for (const p of [
      'compose.yaml',
      'compose.yml',
      'docker-compose.yml',
      'a/docker-compose.prod.yaml',
      'compose.override.yml',
      'stack.compose.yaml',
    ])
      expect(isComposeName(p), p).toBe(true);
    for (const p of ['values.yaml', 'composer.yaml', 'deploy/pod.yaml']) expect(isComposeName(p), p).toBe(false);
  });

  it('reads services, ports, volumes and environment with object paths and positions', () => {
    const [doc] = parse('docker-compose.yml', project);
    expect(doc.kind).toBe('compose');
    const [ollama, ui] = doc.services;
    expect([ollama.name, ui.name]).toEqual(['ollama', 'ui']);
    expect(doc.ports(ollama)).toEqual([
      { target: '11434', published: '11434', protocol: 'tcp', path: ['services', 'ollama', 'ports', 0], short: true },
      { target: '8080', published: '8080', hostIp: '127.0.0.1', protocol: 'tcp', path: ['services', 'ollama', 'ports', 1], short: false },
    ]);
    expect(doc.volumes(ollama).map((v) => [v.type, v.source, v.target, v.readOnly])).toEqual([
      ['bind', '/var/run/docker.sock', '/var/run/docker.sock', true],
      ['volume', 'models', '/root/.ollama', false],
      ['bind', './data', '/data', true],
    ]);
    expect(doc.environment(ollama)).toEqual([
      { name: 'OLLAMA_HOST', value: '0.0.0.0', path: ['services', 'ollama', 'environment', 0] },
      { name: 'DEBUG', path: ['services', 'ollama', 'environment', 1] },
    ]);
    expect(doc.environment(ui).map((e) => [e.name, e.value])).toEqual([
      ['WEBUI_SECRET_KEY', 'abc'],
      ['PORT', '8080'],
    ]);
    const loc = doc.locate(['services', 'ollama', 'ports', 0]);
    expect(loc).toMatchObject({
      objectPath: '/services/ollama/ports/0',
      range: { startLine: 6, startColumn: 9, endLine: 6, endColumn: 22 },
    });
    expect(doc.locate(['services', 'ui', 'environment', 'WEBUI_SECRET_KEY']).range).toEqual({
      startLine: 23,
      startColumn: 7,
      endLine: 23,
      endColumn: 28,
    });
    const span = doc.valueSpan(['services', 'ollama', 'ports', 0])!;
    expect(project.slice(span.start, span.end)).toBe('"11434:11434"');
    const entry = doc.entrySpan(['services', 'ollama', 'image'])!;
    expect(project.slice(entry.start, entry.end)).toBe('image: ollama/ollama:0.3.14');
  });

  it('needs the compose structure, and service-like content for other names', () => {
    expect(parse('docker-compose.yml', 'services:\n  a:\n    image: x\n')).toHaveLength(1);
    expect(parse('stack.yml', 'services:\n  a:\n    image: x\n')).toHaveLength(1);
    expect(parse('values.yaml', 'services:\n  web:\n    enabled: true\n')).toHaveLength(0);
    expect(parse('values.yaml', 'services:\n  web:\n    image:\n      repository: nginx\n    ports: [80]\n')).toHaveLength(0);
    expect(parse('compose.yaml', 'apiVersion: v1\nkind: ConfigMap\nservices: {}\n')).toHaveLength(0);
    expect(parse('compose.yaml', 'version: "3"\n')).toHaveLength(0);
  });
});

describe('compose interpolation', () => {
  it('takes defaults, unescapes $$, and leaves to notKnown what only the environment of docker compose gives', () => {
    const notKnown = (name: string) => `<${name}>`;
    expect(interpolate('a ${X:-d} ${E-} $Y ${Z} $$W ${V:?e} ${P:+alt} $1 $ ${', notKnown)).toBe('a d  <Y> <Z> $W <V> <P> $1 $ ${');
    expect(interpolate('--token=$TOKEN_2x', notKnown)).toBe('--token=<TOKEN_2x>');
    expect(interpolateDefaults('${HOST:-0.0.0.0}:${PORT}:$TARGET')).toBe('0.0.0.0:$PORT:$TARGET');
  });

  it('interpolates a default that nests further, and leaves forms compose does not define to notKnown', () => {
    const notKnown = (name: string) => `<${name}>`;
    expect(interpolate('t=${A:-${B:-}}.', notKnown)).toBe('t=.');
    expect(interpolate('${A:-${B:-x${C-y}z}}-${D:-${E}}-${F?$G}-${H:+${I:-}}', notKnown)).toBe('xyz-<E>-<F>-<H>');
    expect(interpolate('${#TOKEN}|${TOKEN/a/b}|${1}', notKnown)).toBe('<#TOKEN>|<TOKEN/a/b>|<1>');
    expect(interpolate('${A:-${B:-}', notKnown)).toBe('${A:-${B:-}');
    expect(interpolate('${A:-$${B}}', notKnown)).toBe('${B}');
  });

  it('stops taking nested defaults past a depth, linearly', () => {
    const deep = '${A:-'.repeat(20_000) + 'x' + '}'.repeat(20_000);
    expect(interpolate(deep, () => 'N')).toBe('N');
    expect(interpolate('${A:-'.repeat(3) + 'x' + '}'.repeat(3), () => 'N')).toBe('x');
  });
});

describe('compose interpolation with the variables of .env', () => {
  const vars = new Map<string, string | null>([
    ['A', 'a$1'],
    ['E', ''],
    ['U', null],
    ['BR', 'x}y'],
  ]);
  const known = (n: string) => vars.get(n);

  it('takes the values .env gives, their $ doubled, and keeps the rest as written', () => {
    const s = (v: string) => substituteKnown(v, known);
    expect(s('${A}|$A|${A:-d}|${A-d}|${A:?e}|${A:+alt}|$$A')).toEqual({
      text: 'a$$1|a$$1|a$$1|a$$1|a$$1|alt|$$A',
      used: ['A', 'A', 'A', 'A', 'A', 'A'],
    });
    expect(s('${E}|${E:-d}|${E-d}|${E:?e}|${E:+alt}|${E+alt}').text).toBe('|d||${E:?e}||alt');
    expect(s('${U}|${U:-d}|$U|${U:+alt}').text).toBe('${U}|${U}|$U|${U:+alt}');
    expect(s('${X}|${X:-${A}}|${X:-${BR}}|${#A}|${A=d}').text).toBe('${X}|${X:-a$$1}|${X:-${BR}}|${#A}|${A=d}');
    expect(s('${BR}').text).toBe('x}y');
    // What rules then read: `interpolate` gives the value literally.
    expect(interpolate(s('${A:-d}:${X:-8080}').text, () => '?')).toBe('a$1:8080');
  });

  it('substitutes a project once per container, sharing what it does not change, keys as written', () => {
    const shared = { image: 'x:${A}' };
    const project = { services: { a: shared, b: shared, c: { image: 'plain' } }, '${A}': 'k' };
    const out = substituteProject(project, known)!;
    const services = out.project.services as Record<string, Record<string, unknown>>;
    expect(services.a).toEqual({ image: 'x:a$$1' });
    expect(services.a).toBe(services.b);
    expect(services.c).toBe(project.services.c);
    expect(out.project['${A}']).toBe('k');
    expect(substituteProject({ services: { a: { image: '${X}' } } }, known)).toBeUndefined();
  });

  it('keeps a string as written when substitution would add more than MAX_INTERPOLATED to it', () => {
    const big = 'b'.repeat(MAX_INTERPOLATED / 4);
    const k = (n: string) => (n === 'BIG' ? big : known(n));
    expect(substituteKnown('${BIG}${BIG}${BIG}${BIG}', k).text).toBe(big.repeat(4));
    expect(substituteKnown('${A}${BIG}${BIG}${BIG}${BIG}$BIG', k)).toEqual({
      text: '${A}${BIG}${BIG}${BIG}${BIG}$BIG',
      used: [],
      overflow: true,
    });
    expect(substituteKnown('${X:-${BIG}${BIG}${BIG}${BIG}${BIG}}', k).overflow).toBe(true);
    expect(substituteKnown('${A:+${BIG}${BIG}${BIG}${BIG}${BIG}}', k).overflow).toBe(true);
  });

  it('substitutes at most MAX_PROJECT_SUBSTITUTED characters into a project, the strings after it as written', () => {
    const big = 'b'.repeat(MAX_INTERPOLATED);
    const k = (n: string) => (n === 'BIG' ? big : known(n));
    const env = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`V${i}`, '${BIG}']));
    const out = substituteProject({ services: { a: { environment: env } } }, k)!;
    const values = Object.values((out.project.services as { a: { environment: Record<string, string> } }).a.environment);
    const taken = values.filter((v) => v === big).length;
    expect(taken).toBe(MAX_PROJECT_SUBSTITUTED / MAX_INTERPOLATED);
    expect(values.filter((v) => v === '${BIG}').length).toBe(200 - taken);
  });
});

describe('compose short syntax', () => {
  it('parses ports', () => {
    expect(parseShortPort('8080')).toEqual({ target: '8080', protocol: 'tcp' });
    expect(parseShortPort('8080:80/udp')).toEqual({ published: '8080', target: '80', protocol: 'udp' });
    expect(parseShortPort('127.0.0.1:8080:80')).toEqual({ hostIp: '127.0.0.1', published: '8080', target: '80', protocol: 'tcp' });
    expect(parseShortPort('127.0.0.1::80')).toEqual({ hostIp: '127.0.0.1', target: '80', protocol: 'tcp' });
    expect(parseShortPort('[::1]:8080:80')).toEqual({ hostIp: '::1', published: '8080', target: '80', protocol: 'tcp' });
    expect(parseShortPort('${OLLAMA_PORT:-11434}:11434')).toEqual({ published: '11434', target: '11434', protocol: 'tcp' });
    expect(parseShortPort('${BIND}:${PORT}:8080')).toEqual({ hostIp: '$BIND', published: '$PORT', target: '8080', protocol: 'tcp' });
    expect(parseShortPort('${BIND-127.0.0.1}:8080:8080')).toEqual({
      hostIp: '127.0.0.1',
      published: '8080',
      target: '8080',
      protocol: 'tcp',
    });
    expect(parseShortPort('8000-8010:8000-8010')).toEqual({ published: '8000-8010', target: '8000-8010', protocol: 'tcp' });
  });

  it('parses volumes', () => {
    expect(parseShortVolume('/data')).toEqual({ type: 'volume', target: '/data', readOnly: false });
    expect(parseShortVolume('./src:/app:ro,z')).toEqual({ type: 'bind', source: './src', target: '/app', readOnly: true });
    expect(parseShortVolume('C:\\data:/data')).toEqual({ type: 'bind', source: 'C:\\data', target: '/data', readOnly: false });
  });
});

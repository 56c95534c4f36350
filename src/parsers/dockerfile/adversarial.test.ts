import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { Engine } from '../../core/engine.js';
import { allRules } from '../../rules/index.js';
import { allParsers } from '../index.js';
import { parseDockerfile } from './dockerfile-parser.js';

/** Inputs built to trip backtracking regexes and recursive tokenizers; every rule must still finish and not throw. */
const N = 5_000;
const ADVERSARIAL: Record<string, string> = {
  substitutions: `FROM a:1\nRUN ${'$('.repeat(N)} ${'<('.repeat(N)} ${'`'.repeat(N)}\n`,
  quotes: `FROM a:1\nRUN echo "${'\\"'.repeat(N)} '${'x'.repeat(N)}\n`,
  continuations: `FROM a:1\nRUN a \\\n${'  # c\n \\\n'.repeat(N)} b\n`,
  urls: `FROM a:1\nRUN curl https://huggingface.co/${'huggingface.co/resolve/'.repeat(N)}x ${'#sha256='.repeat(N)} | ${'| '.repeat(N)}\n`,
  pip: `FROM a:1\nRUN pip install ${'a'.repeat(N)} @ ${'git+'.repeat(N)} ${'x.git'.repeat(N)}\n`,
  env: `FROM a:1\nENV ${'A_'.repeat(N)}TOKEN=${'a://'.repeat(N)}:${'b'.repeat(N)}@ X=${'${'.repeat(N)}\n`,
  chmod: `FROM a:1\nRUN chmod ${'o+w,'.repeat(N)} x && trust_remote_code${' '.repeat(N)}=\n`,
};
const COMPOSE = `services:\n  s:\n    image: "${'jupyter/'.repeat(N)}"\n    command: "ray start ${'x '.repeat(N)}"\n    ports: ["${'1:'.repeat(N)}8888"]\n    security_opt: ["${'seccomp'.repeat(N)}: ${'x'.repeat(N)} "]\n    environment:\n      ${'K'.repeat(N)}_PASSWORD: "${'-'.repeat(N)}"\n`;

describe('adversarial input', () => {
  const rules = allRules.filter((r) => r.meta.appliesTo.includes('dockerfile') || r.meta.appliesTo.includes('compose'));

  it('parses pathological Dockerfiles', () => {
    for (const [name, text] of Object.entries(ADVERSARIAL)) {
      const doc = parseDockerfile(new MemorySourceFile('Dockerfile', text));
      expect(doc.stages.length, name).toBe(1);
      for (const ins of doc.instructions) doc.shell(ins);
    }
  });

  it('runs every Dockerfile and compose rule to completion', () => {
    const engine = new Engine({ parsers: allParsers, rules, lookup: () => undefined });
    for (const [name, text] of Object.entries(ADVERSARIAL)) engine.scanFile(new MemorySourceFile(`${name}/Dockerfile`, text));
    engine.scanFile(new MemorySourceFile('compose.yaml', COMPOSE));
    expect(engine.finish().errors).toEqual([]);
  });
});

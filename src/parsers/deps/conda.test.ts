import { describe, expect, it } from 'vitest';
import { parseCondaEnvironment, parseCondaExplicit, parseCondaLock } from './conda.js';

describe('conda files: no credentials in problems and sources', () => {
  it('quotes an unreadable explicit-file line without its userinfo or Anaconda token', () => {
    const m = parseCondaExplicit(
      [
        '@EXPLICIT',
        'https://alice:S3cretPassw0rd@conda.example.com/channel/linux-64/broken-name.whl',
        'https://conda.anaconda.org/t/ab-12cd34ef-5678/private/linux-64/broken.whl#0123',
        '',
      ].join('\n'),
    );
    expect(m.problems).toEqual([
      { message: "line 2: cannot read the conda package URL 'https://conda.example.com/channel/linux-64/broken-name.whl'", line: 2 },
      { message: "line 3: cannot read the conda package URL 'https://conda.anaconda.org/t/…/private/linux-64/broken.whl#0123'", line: 3 },
    ]);
    expect(JSON.stringify(m)).not.toMatch(/S3cretPassw0rd|ab-12cd34ef/);
  });

  it('quotes an unreadable environment-file entry without credentials', () => {
    const m = parseCondaEnvironment('dependencies:\n  - "https://bob:hunter2@conda.example.com/t/tok-999/ch::numpy ==1.2 ==3 ==4"\n');
    expect(m.problems).toHaveLength(1);
    expect(m.problems[0].message).not.toMatch(/hunter2|tok-999/);
  });

  it("strips the userinfo of a pip entry's git+ URL in conda-lock.yml", () => {
    const m = parseCondaLock(`package:
- name: mylib
  version: 0.1.0
  manager: pip
  platform: linux-64
  url: git+https://deploy:ghp_SECRET@github.com/example/mylib@0123456
`);
    expect(m.packages[0].source).toEqual({ kind: 'vcs', location: 'git+https://github.com/example/mylib@0123456' });
  });
});

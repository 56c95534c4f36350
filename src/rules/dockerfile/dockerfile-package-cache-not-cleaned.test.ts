import { expect, it } from 'vitest';
import { expectLinearGrowth } from '../../testing/growth.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-package-cache-not-cleaned.js';
import { MAX_DOCKERFILE_BYTES } from '../../parsers/dockerfile/dockerfile-parser.js';

testRule(rule, {
  valid: [
    {
      path: 'Dockerfile',
      content:
        'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN apk add --no-cache git\nRUN dnf install -y gcc && dnf clean all\nRUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*\nRUN pip install --no-cache-dir torch==2.4.0\n',
    },
    {
      name: 'cache mounts and PIP_NO_CACHE_DIR',
      path: 'Dockerfile',
      content:
        'FROM debian:12\nENV PIP_NO_CACHE_DIR=1\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt \\\n    apt-get update && apt-get install -y curl\nRUN pip install vllm==0.6.3\nRUN --mount=type=cache,target=/root/.cache/pip python -m pip install x==1\nRUN --mount=type=cache,target=/root/.cache,sharing=locked pip install y==1\nRUN pip install z==1 && rm -rf /root/.cache\n',
    },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content:
        'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl && apt-get install -y git\nRUN apk add git\nRUN yum install -y gcc\nRUN --mount=type=cache,target=/root/.cache/huggingface python3 -m pip install torch==2.4.0\n',
      findings: [
        {
          startLine: 2,
          startColumn: 5,
          endLine: 2,
          endColumn: 19,
          message: 'apt-get update without an install in the same RUN leaves a stale package index layer',
        },
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 28, message: /leaves the apt package lists/ },
        {
          startLine: 4,
          startColumn: 5,
          endLine: 4,
          endColumn: 16,
          message: 'apk add without --no-cache leaves the package index in the layer',
        },
        {
          startLine: 5,
          startColumn: 5,
          endLine: 5,
          endColumn: 23,
          message: "yum install without 'yum clean all' leaves its cache in the layer",
        },
        {
          startLine: 6,
          startColumn: 56,
          endLine: 6,
          endColumn: 91,
          message: 'pip install without --no-cache-dir keeps downloaded wheels in the layer',
        },
      ],
    },
  ],
});

const manyInstalls = (n: number) =>
  `FROM debian:12\nRUN ${Array.from({ length: n }, (_, i) => `apk add a${i} && yum install -y b${i} && apt-get install -y c${i}`).join(' && ')}\n`;

it('takes time linear in the installs of a RUN (it was quadratic: minutes for a few hundred KB)', () => {
  const content = manyInstalls(6_000);
  const { findings, errors } = runRule(rule, { path: 'Dockerfile', content });
  expect(errors).toEqual([]);
  expect(findings.map((f) => [f.location.startLine, f.location.startColumn, f.location.endLine, f.location.endColumn, f.message])).toEqual([
    [2, 5, 2, 15, 'apk add without --no-cache leaves the package index in the layer'],
    [2, 19, 2, 36, "yum install without 'yum clean all' leaves its cache in the layer"],
    [2, 40, 2, 61, 'apt-get install leaves the apt package lists in the layer; remove /var/lib/apt/lists/* in the same RUN'],
  ]);
});

it('takes CPU time that grows linearly with the installs of a RUN', () => {
  // maxN: 4,000 installs are 270 KB; a file over MAX_DOCKERFILE_BYTES would not be parsed at all.
  expectLinearGrowth(
    (n) => {
      const file = { path: 'Dockerfile', content: manyInstalls(n) };
      expect(file.content.length).toBeLessThan(MAX_DOCKERFILE_BYTES);
      return () => runRule(rule, file);
    },
    500,
    { maxN: 1_000 },
  );
});

import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-base-image-unpinned.js';

const digest = `sha256:${'a'.repeat(64)}`;

testRule(rule, {
  valid: [
    { path: 'Dockerfile', content: `FROM python:3.12-slim@${digest}\n` },
    {
      name: 'digest without tag, scratch and stage references',
      path: 'Dockerfile',
      content: `FROM ghcr.io/acme/base@${digest} AS base\nFROM base\nFROM scratch\n`,
    },
    { name: 'base image given at build time', path: 'Dockerfile', content: 'ARG BASE\nFROM ${BASE}\n' },
    { name: 'ARG default pinned by digest', path: 'Dockerfile', content: `ARG BASE=python:3.12@${digest}\nFROM \${BASE}\n` },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content: 'FROM ollama/ollama\n',
      findings: [
        {
          startLine: 1,
          startColumn: 6,
          endLine: 1,
          endColumn: 19,
          severity: 'medium',
          message: "Base image ollama/ollama has no tag or digest: it is whatever 'latest' is at build time",
        },
      ],
    },
    {
      name: 'latest tag in a build stage, tag-only final stage',
      path: 'Dockerfile',
      content:
        'FROM --platform=$BUILDPLATFORM node:latest AS ui\nRUN npm ci\nFROM nginx:1.27-alpine\nCOPY --from=ui /dist /usr/share/nginx/html\n',
      findings: [
        {
          startLine: 1,
          startColumn: 32,
          endLine: 1,
          endColumn: 43,
          severity: 'medium',
          message: "Base image node:latest uses the mutable 'latest' tag and no digest",
        },
        {
          startLine: 3,
          startColumn: 6,
          endLine: 3,
          endColumn: 23,
          severity: 'low',
          message: 'Base image nginx:1.27-alpine is pinned by tag only; pin it by digest',
        },
      ],
    },
    {
      name: 'COPY --from an external image and a RUN mount from one',
      path: 'Dockerfile',
      content: `FROM python:3.12@${digest} AS base\nCOPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv\nCOPY --from=base /a /a\nCOPY --from=0 /b /b\nRUN --mount=type=bind,from=busybox:1.36,source=/bin,target=/x ls /x\nCOPY --from=nginx@${digest} /etc/nginx /n\n`,
      findings: [
        {
          startLine: 2,
          startColumn: 6,
          endLine: 2,
          endColumn: 40,
          severity: 'medium',
          message: "COPY --from image ghcr.io/astral-sh/uv:latest uses the mutable 'latest' tag and no digest",
        },
        {
          startLine: 5,
          startColumn: 5,
          endLine: 5,
          endColumn: 62,
          severity: 'low',
          message: 'RUN --mount image busybox:1.36 is pinned by tag only; pin it by digest',
        },
      ],
    },
    {
      name: 'ARG-substituted base image',
      path: 'Dockerfile',
      content: 'ARG CUDA=12.4.1\nFROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n',
      findings: [
        {
          startLine: 2,
          startColumn: 6,
          endLine: 2,
          endColumn: 45,
          severity: 'low',
          message: /nvidia\/cuda:\$\{CUDA\}-runtime-ubuntu22.04 \(nvidia\/cuda:12.4.1-runtime-ubuntu22.04\)/,
        },
      ],
    },
  ],
});

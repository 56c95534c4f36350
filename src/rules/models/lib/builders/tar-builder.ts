import { gzipSync } from 'node:zlib';

const BLOCK = 512;

/** A ustar header for a regular file (`type` '0') or another entry type. */
export function tarHeader(name: string, size: number, type = '0'): Uint8Array {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function padding(size: number): Uint8Array {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** An uncompressed tarball of regular files, written synchronously (fixtures and rule examples). */
export function tar(files: [name: string, content: Uint8Array | string][], opts: { end?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, content] of files) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    parts.push(tarHeader(name, data.length), data, padding(data.length));
  }
  if (opts.end !== false) parts.push(new Uint8Array(2 * BLOCK));
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * A gzip bomb shaped like a model artifact: `files`, then a member `name` of `size` zero bytes, as a
 * multi-member gzip stream (as `gzip` and `tar` read it) made of one small member repeated, so that
 * a gigabyte of tar takes a few hundred kilobytes and is built without holding it.
 */
export function gzipTarBomb(files: [name: string, content: Uint8Array | string][], name: string, size: number): Uint8Array {
  const MiB = 1024 * 1024;
  const zeros = gzipSync(new Uint8Array(MiB), { level: 9 });
  const parts: Uint8Array[] = [gzipSync(Buffer.concat([tar(files, { end: false }), tarHeader(name, size)]))];
  for (let left = size; left > 0; left -= MiB) parts.push(left >= MiB ? zeros : gzipSync(new Uint8Array(left)));
  parts.push(gzipSync(Buffer.concat([padding(size), new Uint8Array(2 * BLOCK)])));
  return new Uint8Array(Buffer.concat(parts));
}

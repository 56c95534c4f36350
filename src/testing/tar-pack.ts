import { pack as tarPack, type Header } from 'tar-stream';

export type Headers = Partial<Header> & { name: string; pax?: Record<string, string> };

/** A tar archive written by tar-stream, collected into one buffer (test archives are small). */
export async function pack(entries: Array<{ header: Headers; content?: Uint8Array }>): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c) => chunks.push(c as Buffer));
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const { header, content } of entries) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (content !== undefined) p.entry(header as Header, content, cb);
      else p.entry(header as Header, Buffer.alloc(0), cb);
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

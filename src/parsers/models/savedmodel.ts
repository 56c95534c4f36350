import type { ByteSource } from './byte-source.js';
import type { SavedModelDocument } from './documents.js';
import { ProtoReader, type Field } from './protobuf.js';

/** `saved_model.pb`: SavedModel { 1: schema version, 2: meta_graphs }. */
export function looksLikeSavedModel(head: Uint8Array, name: string): boolean {
  return /(?:^|\/)saved_model\.pb$/.test(name) && head.length >= 4 && head[0] === 0x08 && head[1] === 0x01 && head[2] === 0x12;
}

/** Collects every op of the main graphs and of their function libraries. */
export function readSavedModel(doc: SavedModelDocument, src: ByteSource): void {
  const r = new ProtoReader(src);
  for (const mg of r.fields(0, src.size)) {
    if (mg.field !== 2 || mg.wire !== 2) continue;
    for (const gd of r.fields(mg.start, mg.end)) {
      if (gd.field !== 2 || gd.wire !== 2) continue;
      for (const f of r.fields(gd.start, gd.end)) {
        if (f.wire !== 2) continue;
        if (f.field === 1) nodeDef(r, doc, f, '');
        else if (f.field === 2)
          for (const fn of r.fields(f.start, f.end)) {
            if (fn.field !== 1 || fn.wire !== 2) continue;
            let name = '';
            for (const s of r.fields(fn.start, fn.end)) {
              if (s.field === 1 && s.wire === 2)
                for (const o of r.fields(s.start, s.end)) if (o.field === 1 && o.wire === 2) name = r.string(o, 512);
            }
            for (const s of r.fields(fn.start, fn.end)) if (s.field === 3 && s.wire === 2) nodeDef(r, doc, s, name);
          }
      }
    }
  }
}

function nodeDef(r: ProtoReader, doc: SavedModelDocument, n: Field, func: string): void {
  let name = '';
  let op = '';
  for (const f of r.fields(n.start, n.end)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) name = r.string(f, 512);
    else if (f.field === 2) op = r.string(f, 256);
  }
  doc.ops.push({ op, node: name, func, offset: n.tag, end: n.end });
}

import type { OnnxDocument } from './documents.js';
import { ProtoReader, startsWithFields, type Field } from './protobuf.js';
import type { ByteSource } from './byte-source.js';

/** ModelProto fields and wire types that may open a file: ir_version, producer, domain, model_version, doc, graph, opset_import. */
const MODEL_FIELDS: Record<number, number> = { 1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2 };

export function looksLikeOnnx(head: Uint8Array, name: string): boolean {
  if (head.length < 4 || head[0] !== 0x08 || head[1] < 1 || head[1] > 15) return false;
  return startsWithFields(head, MODEL_FIELDS, /\.onnx$/i.test(name) ? 2 : 3);
}

const MAX_DEPTH = 32;

/** Reads the operator domains and external-data locations of an ONNX model, skipping tensor bytes. */
export function readOnnx(doc: OnnxDocument, src: ByteSource): void {
  const r = new ProtoReader(src);
  const functionDomains = new Set<string>();
  const graphs: Field[] = [];
  const functions: Field[] = [];
  for (const f of r.fields(0, src.size)) {
    if (f.field === 1 && f.wire === 0) doc.irVersion = f.value;
    else if (f.field === 2 && f.wire === 2) doc.producer = r.string(f, 256);
    else if (f.field === 7 && f.wire === 2) graphs.push(f);
    else if (f.field === 8 && f.wire === 2) {
      let domain = '';
      for (const g of r.fields(f.start, f.end)) if (g.field === 1 && g.wire === 2) domain = r.string(g, 1024);
      doc.opsetDomains.push({ domain, where: 'opset_import', offset: f.tag, end: f.end });
    } else if (f.field === 25 && f.wire === 2) functions.push(f);
  }
  for (const fn of functions) {
    let name = '';
    for (const g of r.fields(fn.start, fn.end)) {
      if (g.field === 10 && g.wire === 2) functionDomains.add(r.string(g, 1024));
      else if (g.field === 1 && g.wire === 2) name = r.string(g, 256);
    }
    for (const g of r.fields(fn.start, fn.end)) if (g.field === 7 && g.wire === 2) node(r, doc, g, `function ${name}`, 1);
  }
  for (const g of graphs) graph(r, doc, g, 'graph', 0);
  doc.nodeDomains = doc.nodeDomains.filter((n) => !functionDomains.has(n.domain));
  (doc as { localFunctionDomains?: string[] }).localFunctionDomains = [...functionDomains];
}

function graph(r: ProtoReader, doc: OnnxDocument, g: Field, path: string, depth: number): void {
  if (depth > MAX_DEPTH) return;
  let name = '';
  for (const f of r.fields(g.start, g.end)) if (f.field === 2 && f.wire === 2) name = r.string(f, 256);
  const where = name ? `${path} ${name}` : path;
  for (const f of r.fields(g.start, g.end)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) node(r, doc, f, where, depth);
    else if (f.field === 5) tensor(r, doc, f);
    else if (f.field === 15)
      for (const s of r.fields(f.start, f.end)) if ((s.field === 1 || s.field === 2) && s.wire === 2) tensor(r, doc, s);
  }
}

function node(r: ProtoReader, doc: OnnxDocument, n: Field, where: string, depth: number): void {
  let domain = '';
  let opType = '';
  let nodeName = '';
  for (const f of r.fields(n.start, n.end)) {
    if (f.wire !== 2) continue;
    if (f.field === 7) domain = r.string(f, 1024);
    else if (f.field === 4) opType = r.string(f, 256);
    else if (f.field === 3) nodeName = r.string(f, 256);
    else if (f.field === 5) {
      for (const a of r.fields(f.start, f.end)) {
        if (a.wire !== 2) continue;
        if (a.field === 6 || a.field === 11) graph(r, doc, a, `${where} > ${opType || 'node'} ${nodeName}`.trim(), depth + 1);
        else if (a.field === 5 || a.field === 10) tensor(r, doc, a);
      }
    }
  }
  if (domain !== '') doc.nodeDomains.push({ domain, opType, where: `${where}: node ${nodeName || opType}`, offset: n.tag, end: n.end });
}

function tensor(r: ProtoReader, doc: OnnxDocument, t: Field): void {
  let name = '';
  let location: { value: string; offset: number; end: number } | undefined;
  for (const f of r.fields(t.start, t.end)) {
    if (f.wire !== 2) continue;
    if (f.field === 8) name = r.string(f, 256);
    else if (f.field === 13) {
      let key = '';
      let value = '';
      for (const kv of r.fields(f.start, f.end)) {
        if (kv.wire !== 2) continue;
        if (kv.field === 1) key = r.string(kv, 256);
        else if (kv.field === 2) value = r.string(kv, 4096);
      }
      if (key === 'location') location = { value, offset: f.tag, end: f.end };
    }
  }
  if (location) doc.externalData.push({ tensor: name, location: location.value, offset: location.offset, end: location.end });
}

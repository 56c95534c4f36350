/** Protobuf wire-format writers for ONNX and SavedModel fixtures. */

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

export type Bytes = number[];
export const vint = (field: number, v: number): Bytes => [...varint(field * 8), ...varint(v)];
export const bytesField = (field: number, b: ArrayLike<number>): Bytes => [...varint(field * 8 + 2), ...varint(b.length), ...Array.from(b)];
export const str = (field: number, s: string): Bytes => bytesField(field, Buffer.from(s, 'utf8'));
export const msg = (field: number, ...parts: Bytes[]): Bytes => bytesField(field, parts.flat());

export interface OnnxNode {
  op: string;
  domain?: string;
  name?: string;
  /** A subgraph attribute (e.g. the body of a Loop). */
  subgraph?: OnnxNode[];
}

export interface OnnxSpec {
  opsets?: { domain: string; version: number }[];
  nodes?: OnnxNode[];
  initializers?: { name: string; location?: string; raw?: number }[];
  functions?: { name: string; domain: string; nodes: OnnxNode[] }[];
}

/** A NodeProto as field `field` of its parent (1 in a GraphProto, 7 in a FunctionProto). */
export const onnxNode = (n: OnnxNode, field = 1): Bytes =>
  msg(
    field,
    str(1, 'x'),
    str(2, 'y'),
    ...(n.name ? [str(3, n.name)] : []),
    str(4, n.op),
    ...(n.domain !== undefined ? [str(7, n.domain)] : []),
    ...(n.subgraph ? [msg(5, str(1, 'body'), msg(6, ...n.subgraph.map((s) => onnxNode(s)), str(2, 'body')), vint(20, 5))] : []),
  );

/** An ONNX ModelProto as `onnx.save` writes it (ir_version first). */
export function onnxModel(spec: OnnxSpec): Uint8Array {
  const graph = msg(
    7,
    ...(spec.nodes ?? []).map((n) => onnxNode(n)),
    str(2, 'main'),
    ...(spec.initializers ?? []).map((t) =>
      msg(
        5,
        vint(1, 4),
        vint(2, 1),
        str(8, t.name),
        ...(t.raw ? [bytesField(9, new Uint8Array(t.raw))] : []),
        ...(t.location !== undefined
          ? [msg(13, str(1, 'location'), str(2, t.location)), msg(13, str(1, 'offset'), str(2, '0')), vint(14, 1)]
          : []),
      ),
    ),
  );
  const parts: Bytes[] = [vint(1, 9), str(2, 'pytorch'), str(3, '2.5.0'), graph];
  for (const o of spec.opsets ?? [{ domain: '', version: 17 }]) parts.push(msg(8, str(1, o.domain), vint(2, o.version)));
  for (const f of spec.functions ?? []) parts.push(msg(25, str(1, f.name), ...f.nodes.map((n) => onnxNode(n, 7)), str(10, f.domain)));
  return Uint8Array.from(parts.flat());
}

/** A `saved_model.pb` with one meta graph: nodes of the main graph and of library functions. */
export function savedModel(
  ops: { op: string; name: string }[],
  functions: { name: string; ops: { op: string; name: string }[] }[] = [],
): Uint8Array {
  const nodeDef = (field: number, n: { op: string; name: string }) => msg(field, str(1, n.name), str(2, n.op));
  const library = functions.length
    ? [msg(2, ...functions.map((f) => msg(1, msg(1, str(1, f.name)), ...f.ops.map((n) => nodeDef(3, n)))))]
    : [];
  return Uint8Array.from([
    ...vint(1, 1),
    ...msg(2, msg(1, str(4, 'serve')), msg(2, ...ops.map((n) => nodeDef(1, n)), ...library, msg(4, vint(1, 1808)))),
  ]);
}

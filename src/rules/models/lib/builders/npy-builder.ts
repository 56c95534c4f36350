import { PickleBuilder, pickle } from './pickle-builder.js';

/** A `.npy` file: magic, version, padded header dict, data (raw bytes, or a pickle for object arrays). */
export function npy(descr: string, shape: number[], data: Uint8Array, version: 1 | 2 = 1, fortran = false): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${dims}), }`;
  const pre = version === 1 ? 10 : 12;
  const pad = 64 - ((pre + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(pre + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) out.set([header.length & 0xff, header.length >> 8], 8);
  else new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), pre);
  out.set(data, pre + header.length);
  return out;
}

/** The pickle `numpy.save` writes for an object array (protocol 3): `_reconstruct` + BUILD with a list of objects. */
export function objectArrayPickle(items: (p: PickleBuilder) => void, protocol = 3): Uint8Array {
  const p = pickle().proto(protocol);
  p.global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray').int(0).tuple1().shortBinstring('b').tuple3().reduce();
  p.mark().int(1).int(1).tuple1().global('numpy', 'dtype').str('O8').bool(false).bool(true).tuple3().reduce();
  p.mark()
    .int(3)
    .str('|')
    .none()
    .none()
    .none()
    .int(-1 >>> 0)
    .int(-1 >>> 0)
    .int(63)
    .tuple()
    .build();
  p.bool(false).emptyList().mark();
  items(p);
  return p.appends().tuple().build().stop().bytes();
}

/**
 * A joblib dump of `{name: float64 array}`: the pickle holds a `NumpyArrayWrapper` and the array's
 * bytes follow its BUILD directly in the file (after joblib's alignment padding); `after` adds
 * opcodes behind the array.
 */
export function joblibDump(values: number[], after?: (p: PickleBuilder) => void): Uint8Array {
  const p = wrapperHead(values.length, 'f8', '<', 0, true);
  const pos = p.offset + 1;
  const pad = 16 - (pos % 16);
  p.raw([pad]).raw(new Uint8Array(pad).fill(0xff));
  const data = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => data.writeDoubleLE(v, i * 8));
  p.raw(data);
  p.setitem();
  after?.(p);
  return p.stop().bytes();
}

/**
 * A joblib dump of `{name: object array}`: joblib writes no padding for object arrays but a whole
 * protocol 2 pickle of the array (`pickle.dump(array, f, protocol=2)`) right after the wrapper's BUILD.
 */
export function joblibObjectDump(length: number, items: (p: PickleBuilder) => void): Uint8Array {
  const p = wrapperHead(length, 'O8', '|', 63, false);
  p.raw(objectArrayPickle(items, 2));
  p.setitem();
  return p.stop().bytes();
}

/** `{'weights': NumpyArrayWrapper(...)}` up to the wrapper's BUILD, as joblib 1.x pickles it (protocol 4). */
function wrapperHead(length: number, dtype: string, order: string, flags: number, mmap: boolean): PickleBuilder {
  const p = pickle().proto(4);
  p.emptyDict().str('weights');
  p.global('joblib.numpy_pickle', 'NumpyArrayWrapper').emptyTuple().newobj();
  p.emptyDict().mark();
  p.str('subclass').global('numpy', 'ndarray');
  p.str('shape').int(length).tuple1();
  p.str('order').str('C');
  p.str('dtype').global('numpy', 'dtype').str(dtype).bool(false).bool(true).tuple3().reduce();
  p.mark()
    .int(3)
    .str(order)
    .none()
    .none()
    .none()
    .int(-1 >>> 0)
    .int(-1 >>> 0)
    .int(flags)
    .tuple()
    .build();
  p.str('allow_mmap').bool(mmap);
  p.str('numpy_array_alignment_bytes').int(16);
  p.setitems().build();
  return p;
}

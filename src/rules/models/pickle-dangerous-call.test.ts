import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { scanSync } from '../../scan.js';
import { testRule } from '../../testing/rule-tester.js';
import { osSystemPayload, pickle, torchStateDictPickle } from './lib/builders/pickle-builder.js';
import { tar } from './lib/builders/tar-builder.js';
import { torchZip, zip } from './lib/builders/zip-builder.js';
import rule from './pickle-dangerous-call.js';

const col = (start: number, end: number) => ({ startLine: 1, startColumn: start + 1, endLine: 1, endColumn: end + 1 });
const benign = torchStateDictPickle([
  { name: 'fc.weight', key: '0', shape: [2, 3] },
  { name: 'fc.bias', key: '1', shape: [2] },
]);
const legacyMagic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

testRule(rule, {
  valid: [
    { name: 'torch state dict pickle', path: 'model.pkl', content: benign },
    { name: 'torch zip checkpoint', path: 'model.pt', content: torchZip(benign, { '0': new Uint8Array(24), '1': new Uint8Array(8) }) },
    {
      name: 'dangerous callable imported but never called (MDL-0002)',
      path: 'model.pkl',
      content: pickle().proto(2).global('os', 'system').tuple1().stop().bytes(),
    },
    { name: 'the command as a plain string', path: 'notes.pkl', content: pickle().proto(2).str('os.system').stop().bytes() },
    { name: 'ordinary text file', path: 'notes.txt', content: '(see the README)\ncos\nsystem\n' },
    {
      name: "TorchScript's list and type-tag builders (torch.jit._pickle, not the standard library's _pickle)",
      path: 'model.pkl',
      content: pickle()
        .proto(4)
        .global('torch.jit._pickle', 'build_intlist')
        .emptyList()
        .tuple1()
        .reduce()
        .pop()
        .str('torch.jit')
        .str('_pickle.restore_type_tag')
        .stackGlobal()
        .emptyDict()
        .str('Dict[str, int]')
        .tuple2()
        .reduce()
        .stop()
        .bytes(),
    },
    { name: 'protocol 0 pickle of a list', path: 'data.txt', content: '(lp0\nI1\naI2\na.' },
    { name: 'text that starts like SHORT_BINBYTES', path: 'NOTICE', content: 'Copyright 2024 the authors. All rights reserved.\n' },
    {
      name: 'BUILD with an ordinary state, and a __setstate__ key that holds no callable',
      path: 'model.pkl',
      content: pickle()
        .proto(4)
        .global('argparse', 'Namespace')
        .emptyTuple()
        .reduce()
        .emptyDict()
        .str('__setstate__')
        .str('os.system')
        .setitem()
        .build()
        .str('id')
        .build()
        .stop()
        .bytes(),
    },
    { name: 'binary data that starts like NEWTRUE', path: 'weights.bin', content: Uint8Array.from([0x88, 0x2e, 0xff, 0x00, 0x13, 0x37]) },
  ],
  invalid: [
    {
      name: 'protocol 2 GLOBAL + REDUCE (pickle.dumps of a __reduce__ payload)',
      path: 'model.pkl',
      content: osSystemPayload('echo pwned'),
      findings: [
        {
          ...col(2, 16),
          severity: 'critical',
          evidence: 'posix.system',
          message: "Pickle calls posix.system (code execution) when loaded by REDUCE at byte 31: posix.system('echo pwned')",
        },
      ],
    },
    {
      name: 'numpy.testing runstring beside the allow-listed numpy array classes (exec of its argument)',
      path: 'model.pkl',
      content: pickle()
        .proto(2)
        .global('numpy.testing._private.utils', 'runstring')
        .str('import os')
        .emptyDict()
        .tuple2()
        .reduce()
        .stop()
        .bytes(),
      findings: [{ ...col(2, 42), severity: 'critical', evidence: 'numpy.testing._private.utils.runstring' }],
    },
    {
      name: 'protocol 4 STACK_GLOBAL with memoized operands',
      path: 'weights',
      content: osSystemPayload('id', 4),
      findings: [{ ...col(19, 20), evidence: 'posix.system' }],
    },
    {
      name: 'STACK_GLOBAL operands fetched back from the memo',
      path: 'model.bin',
      content: pickle()
        .proto(4)
        .str('subprocess')
        .binput(3)
        .str('check_output')
        .binput(4)
        .pop()
        .pop()
        .binget(3)
        .binget(4)
        .stackGlobal()
        .mark()
        .str('id')
        .list()
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
      findings: [{ ...col(38, 39), evidence: 'subprocess.check_output', message: /called|calls subprocess.check_output/ }],
    },
    {
      name: 'STACK_GLOBAL operands from STRING and UNICODE (protocol 0 text opcodes)',
      path: 'model.txt',
      content: pickle().string('os').unicode('system').stackGlobal().string('echo hi').tuple1().reduce().stop().bytes(),
      findings: [{ ...col(14, 15), evidence: 'os.system' }],
    },
    {
      name: 'STACK_GLOBAL operands from BINSTRING / SHORT_BINSTRING',
      path: 'model.pkl',
      content: pickle()
        .proto(3)
        .binstring('builtins')
        .shortBinstring('exec')
        .stackGlobal()
        .str('print(1)')
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
      findings: [{ ...col(21, 22), evidence: 'builtins.exec' }],
    },
    {
      name: 'dotted qualified name through another module (pathlib + os.system)',
      path: 'model.pkl',
      content: pickle().proto(4).str('pathlib').str('os.system').stackGlobal().str('id').tuple1().reduce().stop().bytes(),
      findings: [{ ...col(22, 23), evidence: 'pathlib.os.system', message: /pathlib\.os\.system, which reaches os\.system,/ }],
    },
    {
      name: 'Python 2 module name (__builtin__.eval) and INST',
      path: 'model.pkl',
      content: pickle().mark().string('__import__("os").system("id")').inst('__builtin__', 'eval').stop().bytes(),
      findings: [{ ...col(34, 52), evidence: 'builtins.eval', message: /by INST at byte 34/ }],
    },
    {
      name: 'OBJ',
      path: 'model.pkl',
      content: pickle().proto(1).mark().global('subprocess', 'Popen').string('id').obj().stop().bytes(),
      findings: [{ ...col(3, 21), message: /by OBJ at byte 27/ }],
    },
    {
      name: 'NEWOBJ and NEWOBJ_EX',
      path: 'model.pkl',
      content: pickle()
        .proto(4)
        .global('_io', 'FileIO')
        .str('/etc/passwd')
        .tuple1()
        .newobj()
        .pop()
        .global('logging', 'FileHandler')
        .str('/tmp/x')
        .tuple1()
        .emptyDict()
        .newobjEx()
        .stop()
        .bytes(),
      findings: [
        { ...col(2, 14), evidence: '_io.FileIO', message: /file access.*NEWOBJ at byte 28/ },
        { ...col(30, 51), evidence: 'logging.FileHandler', message: /NEWOBJ_EX/ },
      ],
    },
    {
      name: 'deny-list matched on a dotted prefix (asyncio.unix_events…)',
      path: 'model.pkl',
      content: pickle().proto(2).global('asyncio.unix_events', '_UnixSelectorEventLoop').emptyTuple().reduce().stop().bytes(),
      findings: [{ ...col(2, 46), evidence: 'asyncio.unix_events._UnixSelectorEventLoop', message: /\(network\)/ }],
    },
    {
      name: 'torch gadget',
      path: 'model.pkl',
      content: pickle().proto(2).global('torch.utils.collect_env', 'run').str('id').tuple1().reduce().stop().bytes(),
      findings: [{ ...col(2, 31), message: /torch gadget/ }],
    },
    {
      name: 'torch internals: an operator by name, a storage read from a file, the weights_only allow-list widened',
      path: 'model.pkl',
      content: pickle()
        .proto(2)
        .global('torch._ops', 'ops.aten.from_file')
        .str('/etc/shadow')
        .tuple1()
        .reduce()
        .pop()
        .global('torch.storage', 'UntypedStorage.from_file')
        .str('/root/.ssh/id_rsa')
        .tuple1()
        .reduce()
        .pop()
        .global('torch.serialization', 'add_safe_globals')
        .emptyList()
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
      findings: [
        { ...col(2, 33), evidence: 'torch._ops.ops.aten.from_file', message: /\(torch gadget\)/ },
        { ...col(49, 89), evidence: 'torch.storage.UntypedStorage.from_file', message: /\(file access\)/ },
        { ...col(111, 149), evidence: 'torch.serialization.add_safe_globals', message: /\(nested deserialisation\)/ },
      ],
    },
    {
      name: 'copyreg._reconstructor (allow-listed) runs the __init__ of the base class it is given',
      path: 'model.pkl',
      content: pickle()
        .proto(2)
        .global('copyreg', '_reconstructor')
        .global('subprocess', 'Popen')
        .global('subprocess', 'Popen')
        .str('id')
        .tuple3()
        .reduce()
        .stop()
        .bytes(),
      findings: [
        {
          ...col(26, 44),
          evidence: 'subprocess.Popen',
          message: /calls subprocess\.Popen .* by REDUCE at byte 67: subprocess\.Popen\('id'\)/,
        },
      ],
    },
    {
      name: 'nested deserialisation and indirection',
      path: 'model.pkl',
      content: pickle()
        .proto(2)
        .global('functools', 'partial')
        .global('pickle', 'loads')
        .tuple1()
        .reduce()
        .pop()
        .global('torch.storage', '_load_from_bytes')
        .binbytes([0x80, 2, 0x4e, 0x2e])
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
      findings: [
        { ...col(2, 21), message: /functools\.partial \(indirection\)/ },
        { ...col(38, 70), message: /nested deserialisation/ },
      ],
    },
    {
      name: 'binary opcodes without PROTO (the unpickler never requires it), under the names torch.load reads',
      path: 'pytorch_model.bin',
      content: pickle().str('posix').str('system').stackGlobal().str('id').tuple1().reduce().stop().bytes(),
      findings: [{ ...col(15, 16), evidence: 'posix.system' }],
    },
    {
      name: 'a stream that starts with FRAME, no PROTO, no telling name',
      path: 'weights',
      content: concat(
        pickle().frame(23).bytes(),
        pickle().str('posix').str('system').stackGlobal().str('id').tuple1().reduce().stop().bytes(),
      ),
      findings: [{ ...col(24, 25), evidence: 'posix.system' }],
    },
    {
      name: 'payload in the second of two concatenated pickles',
      path: 'model.pkl',
      content: concat(pickle().proto(2).emptyDict().stop().bytes(), osSystemPayload('id')),
      findings: [{ ...col(6, 20), message: /in pickle stream 2$/ }],
    },
    {
      name: 'payload before garbage (nullifAI): still reported',
      path: 'model.pkl',
      content: concat(osSystemPayload('id').subarray(0, 24), Uint8Array.from([0xff, 0x00, 0x13])),
      findings: [{ ...col(2, 16) }],
    },
    {
      name: 'legacy PyTorch format: payload in the main pickle',
      path: 'model.pth',
      content: concat(
        Uint8Array.from(legacyMagic),
        pickle().proto(2).int(1001).stop().bytes(),
        pickle().proto(2).emptyDict().stop().bytes(),
        osSystemPayload('id'),
        pickle().proto(2).emptyList().stop().bytes(),
        new Uint8Array(64).fill(0x80),
      ),
      findings: [{ ...col(27, 41), message: /pickle stream 4/ }],
    },
    {
      name: 'PyTorch zip checkpoint: payload in data.pkl (found by content, wrong CRC, data descriptor flag)',
      path: 'model.pt',
      content: zip().add('archive/data.pkl', osSystemPayload('id'), { crc: 1, flags: 8 }).add('archive/version', '3\n').build(),
      findings: [{ ...col(2, 16) }],
    },
    {
      name: 'PyTorch zip checkpoint: zip64, deflated, pickle under an innocent name',
      path: 'model.ckpt',
      content: zip()
        .add('archive/data.pkl', benign)
        .add('archive/extra/weights', osSystemPayload('id'), { method: 'deflate' })
        .add('archive/data/0', new Uint8Array(24))
        .build({ zip64: true }),
      findings: [{ ...col(2, 16) }],
    },
    {
      name: 'pickle hidden in an unreferenced storage member',
      path: 'model.pt',
      content: torchZip(benign, { '0': new Uint8Array(24), '1': new Uint8Array(8), '7': osSystemPayload('id') }),
      findings: [{ ...col(2, 16) }],
    },
    {
      name: 'an attribute path through a module an allow-listed one imports under its usual alias (sklearn.pipeline + np.load)',
      path: 'model.pkl',
      content: pickle()
        .proto(4)
        .str('sklearn.pipeline')
        .str('np.load')
        .stackGlobal()
        .str('/tmp/x.npy')
        .none()
        .bool(true)
        .tuple3()
        .reduce()
        .stop()
        .bytes(),
      findings: [
        {
          ...col(29, 30),
          evidence: 'sklearn.pipeline.np.load',
          message:
            "Pickle calls sklearn.pipeline.np.load, which reaches numpy.load, (nested deserialisation) when loaded by REDUCE at byte 45: sklearn.pipeline.np.load('/tmp/x.npy', None, …)",
        },
      ],
    },
    {
      name: 'loaders reached under the pd, jnp and tf aliases (pandas.read_pickle, jax.numpy.load, tensorflow.io)',
      path: 'model.pkl',
      content: pickle()
        .proto(4)
        .str('sklearn.pipeline')
        .str('pd.read_pickle')
        .stackGlobal()
        .str('/tmp/x')
        .tuple1()
        .reduce()
        .pop()
        .str('sklearn.pipeline')
        .str('jnp.load')
        .stackGlobal()
        .str('/tmp/x')
        .tuple1()
        .reduce()
        .pop()
        .str('torch.nn.modules.x')
        .str('tf.io.read_file')
        .stackGlobal()
        .str('/etc/passwd')
        .tuple1()
        .reduce()
        .pop()
        .str('torch.nn.modules.x')
        .str('tf.io.gfile.GFile')
        .stackGlobal()
        .str('/etc/passwd')
        .tuple1()
        .reduce()
        .pop()
        .global('pandas.io.pickle', 'read_pickle')
        .str('/tmp/x')
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
      findings: [
        {
          ...col(36, 37),
          message: /^Pickle calls sklearn\.pipeline\.pd\.read_pickle, which reaches pandas\.read_pickle, \(nested deserialisation\)/,
        },
        {
          ...col(76, 77),
          message: /^Pickle calls sklearn\.pipeline\.jnp\.load, which reaches jax\.numpy\.load, \(nested deserialisation\)/,
        },
        {
          ...col(125, 126),
          message: /^Pickle calls torch\.nn\.modules\.x\.tf\.io\.read_file, which reaches tensorflow\.io\.read_file, \(file access\)/,
        },
        {
          ...col(181, 182),
          message: /^Pickle calls torch\.nn\.modules\.x\.tf\.io\.gfile\.GFile, which reaches tensorflow\.io\.gfile\.GFile, \(file access\)/,
        },
        { ...col(198, 228), message: /^Pickle calls pandas\.io\.pickle\.read_pickle \(nested deserialisation\)/ },
      ],
    },
    {
      name: 'torch and NumPy helpers that import by name, exec pickled source, open a shared library or load TorchScript',
      path: 'model.pkl',
      content: pickle()
        .proto(2)
        .global('torch._utils', '_import_dotted_name')
        .str('os.system')
        .tuple1()
        .reduce()
        .pop()
        .global('torch.fx.graph_module', 'reduce_graph_module')
        .emptyDict()
        .str('import os')
        .tuple2()
        .reduce()
        .pop()
        .global('numpy.ctypeslib', 'load_library')
        .str('x')
        .str('/tmp')
        .tuple2()
        .reduce()
        .pop()
        .global('torch.jit._serialization', 'load')
        .str('/tmp/x')
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
      findings: [
        { ...col(2, 36), message: /^Pickle calls torch\._utils\._import_dotted_name \(indirection\) when loaded by REDUCE at byte 48/ },
        { ...col(50, 93), message: /^Pickle calls torch\.fx\.graph_module\.reduce_graph_module \(code execution\)/ },
        { ...col(108, 138), message: /^Pickle calls numpy\.ctypeslib\.load_library \(code execution\)/ },
        { ...col(150, 181), message: /^Pickle calls torch\.jit\._serialization\.load \(nested deserialisation\)/ },
      ],
    },
    {
      name: 'BUILD calls the __setstate__ an earlier BUILD stored in the object (no REDUCE of the callable)',
      path: 'model.pkl',
      content: pickle()
        .proto(4)
        .global('collections', 'OrderedDict')
        .emptyTuple()
        .reduce()
        .emptyDict()
        .str('__setstate__')
        .global('os', 'system')
        .setitem()
        .build()
        .str('id')
        .build()
        .stop()
        .bytes(),
      findings: [
        {
          ...col(44, 55),
          evidence: 'os.system',
          message: "Pickle calls os.system (code execution) when loaded by BUILD at byte 61: os.system('id')",
        },
      ],
    },
    {
      name: 'BUILD slot state that sets __setstate__ on an allow-listed class: its next instance calls it',
      path: 'model.pkl',
      content: pickle()
        .proto(4)
        .global('argparse', 'Namespace')
        .none()
        .emptyDict()
        .str('__setstate__')
        .global('os', 'system')
        .setitem()
        .tuple2()
        .build()
        .emptyTuple()
        .reduce()
        .str('id')
        .build()
        .stop()
        .bytes(),
      findings: [{ ...col(38, 49), message: "Pickle calls os.system (code execution) when loaded by BUILD at byte 58: os.system('id')" }],
    },
    {
      name: 'BUILD state whose __setstate__ comes after 70 other keys',
      path: 'model.pkl',
      content: (() => {
        const p = pickle().proto(4).global('argparse', 'Namespace').emptyTuple().reduce().emptyDict().mark();
        for (let i = 0; i < 70; i++) p.str(`k${i}`).none();
        return p.str('__setstate__').global('os', 'system').setitems().build().str('id').build().stop().bytes();
      })(),
      findings: [{ ...col(450, 461), message: /by BUILD at byte 467/ }],
    },
    {
      name: 'torch._tensor._rebuild_from_type_v2 (allow-listed) calls the function it is given with the arguments it is given',
      path: 'model.pkl',
      content: pickle()
        .proto(4)
        .global('torch._tensor', '_rebuild_from_type_v2')
        .mark()
        .global('os', 'system')
        .global('torch', 'Tensor')
        .str('id')
        .tuple1()
        .emptyDict()
        .tuple()
        .reduce()
        .stop()
        .bytes(),
      findings: [{ ...col(40, 51), message: "Pickle calls os.system (code execution) when loaded by REDUCE at byte 72: os.system('id')" }],
    },
    {
      name: 'BUILD sets attributes of an imported function that a later import reads (ModelScan issue 85: numpy.prod.a = "os")',
      path: 'model.pkl',
      content: pickle()
        .proto(5)
        .global('numpy', 'prod')
        .none()
        .mark()
        .unicode('a')
        .unicode('os')
        .dict()
        .tuple2()
        .build()
        .none()
        .mark()
        .unicode('b')
        .unicode('system')
        .dict()
        .tuple2()
        .build()
        .pop()
        .global('numpy', 'prod.a')
        .put(0)
        .global('numpy', 'prod.b')
        .put(1)
        .pop()
        .pop()
        .get(0)
        .get(1)
        .stackGlobal()
        .unicode('echo pwned')
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
      findings: [
        {
          ...col(85, 86),
          evidence: 'os.system',
          message: "Pickle calls os.system (code execution) when loaded by REDUCE at byte 99: os.system('echo pwned')",
        },
      ],
    },
    {
      name: 'BUILD replaces an allow-listed rebuild helper in its module (torch._utils._rebuild_tensor_v2 = os.system), then calls it',
      path: 'model.pkl',
      content: pickle()
        .proto(2)
        .global('torch', '_utils')
        .emptyDict()
        .str('_rebuild_tensor_v2')
        .global('os', 'system')
        .setitem()
        .build()
        .pop()
        .global('torch._utils', '_rebuild_tensor_v2')
        .str('id')
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
      findings: [{ ...col(37, 48), message: "Pickle calls os.system (code execution) when loaded by REDUCE at byte 89: os.system('id')" }],
    },
  ],
});

describe('the archive member a finding is in', () => {
  it('is named with its non-printable characters escaped (location.detail held them raw)', () => {
    const bytes = zip().add('archive/\u001b]0;x\u0007data\u202e.pkl', osSystemPayload('id')).build();
    const r = scanSync({ targets: [], files: [new MemorySourceFile('model.pt', bytes)], config: false, rules: [rule.meta.id] });
    expect(r.findings.map((f) => f.location.detail)).toEqual(['archive/\\x1b]0;x\\x07data\\u202e.pkl']);
  });
});

describe('legacy PyTorch tar checkpoints (torch.load still reads them)', () => {
  const u64 = (n: number) => Uint8Array.from(Buffer.from(new BigUint64Array([BigInt(n)]).buffer));
  const i32 = (n: number) => Uint8Array.from(Buffer.from(new Int32Array([n]).buffer));
  const record = (...items: string[]) => {
    const p = pickle().proto(2);
    for (const s of items) p.str(s);
    return p.global('torch', 'FloatStorage').tuple3().stop().bytes();
  };
  const scan = (members: [string, Uint8Array][]) =>
    scanSync({ targets: [], files: [new MemorySourceFile('model.tar', tar(members))], config: false, rules: [rule.meta.id] }).findings.map(
      (f) => [f.location.detail, f.location.startColumn, f.evidence],
    );
  const main = torchStateDictPickle([{ name: 'w', key: '0', shape: [2] }]);

  it('reads the storage views pickle after the raw bytes of each storage', () => {
    // count (5 bytes), record (32), element count and 2 floats (16), then the views pickle: GLOBAL at 55.
    const storages = concat(pickle().proto(2).int(1).stop().bytes(), record('0', 'cpu'), u64(2), new Uint8Array(8), osSystemPayload('id'));
    expect(storages.length).toBe(53 + osSystemPayload('id').length);
    expect(
      scan([
        ['storages', storages],
        ['tensors', pickle().proto(2).int(0).stop().bytes()],
        ['pickle', main],
      ]),
    ).toEqual([['storages', 56, 'posix.system']]);
  });

  it('reads each tensor record after the sizes, strides and offset of the one before', () => {
    const tensor = (key: string) => pickle().proto(2).str(key).str('0').global('torch', 'FloatTensor').tuple3().stop().bytes();
    const dims = concat(i32(1), new Uint8Array(4), u64(2), u64(1), u64(0));
    const second = pickle().proto(2).str('1').str('0').global('posix', 'system').str('id').tuple1().reduce().tuple3().stop().bytes();
    const tensors = concat(pickle().proto(2).int(2).stop().bytes(), tensor('0'), dims, second, dims);
    const at = 5 + tensor('0').length + dims.length + 2 + 3 + 3;
    expect(
      scan([
        ['storages', pickle().proto(2).int(0).stop().bytes()],
        ['tensors', tensors],
        ['pickle', main],
      ]),
    ).toEqual([['tensors', at + 1, 'posix.system']]);
  });

  it('reads a member named storages whose count has no PROTO', () => {
    const storages = concat(pickle().int(0).stop().bytes(), osSystemPayload('id'));
    expect(
      scan([
        ['storages', storages],
        ['pickle', main],
      ]),
    ).toEqual([['storages', 6, 'posix.system']]);
  });
});

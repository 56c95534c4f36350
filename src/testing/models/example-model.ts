import { torchStateDictPickle, type TensorSpec } from '../../rules/models/lib/builders/pickle-builder.js';
import { torchZip } from '../../rules/models/lib/builders/zip-builder.js';

/** The command the example's payload would run: it only prints a line. */
export const EXAMPLE_COMMAND = 'echo "sanctum example: this command runs when torch.load(weights_only=False) opens classifier.pt"';

const TENSORS: TensorSpec[] = [
  { name: 'fc1.weight', key: '0', shape: [16, 8] },
  { name: 'fc1.bias', key: '1', shape: [16] },
  { name: 'fc2.weight', key: '2', shape: [3, 16] },
  { name: 'fc2.bias', key: '3', shape: [3] },
];

/**
 * `examples/ai-platform/models/classifier.pt`: a PyTorch (zip) checkpoint of a small classifier's
 * state dict, as `torch.save` writes it, with one injected entry whose value is
 * `posix.system(EXAMPLE_COMMAND)`: loading it without `weights_only=True` would run the echo.
 */
export function buildExampleClassifier(): Uint8Array {
  const pkl = torchStateDictPickle(TENSORS, (p) =>
    p.mark().str('_metadata_version').global('posix', 'system').str(EXAMPLE_COMMAND).tuple1().reduce().setitems(),
  );
  const storages: Record<string, Uint8Array> = {};
  let seed = 1;
  for (const t of TENSORS) {
    const values = new Float32Array(t.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      values[i] = (seed / 2 ** 31 - 0.5) * 0.2;
    }
    storages[t.key] = new Uint8Array(values.buffer);
  }
  return torchZip(pkl, storages, 'classifier');
}

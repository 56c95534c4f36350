/**
 * The largest single allocation a fuzz case asks for: typed arrays, array buffers, `Buffer.alloc*`
 * and `String.prototype.repeat` are watched, so that a length read from a 1 KB file's header that
 * makes a parser allocate gigabytes is seen even when the allocation succeeds (untouched pages
 * cost no resident memory). Installed once in the fuzzer's child process, before Sanctum loads.
 */
let largest = 0;

const note = (bytes: number): void => {
  if (Number.isFinite(bytes) && bytes > largest) largest = bytes;
};

/** The largest allocation since the last call, in bytes; starts over. */
export function takeLargestAllocation(): number {
  const n = largest;
  largest = 0;
  return n;
}

const TYPED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'Uint8Array',
  'Int8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigUint64Array',
  'BigInt64Array',
] as const;

export function watchAllocations(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of TYPED) {
    const ctor = g[name] as { new (...args: unknown[]): unknown; BYTES_PER_ELEMENT?: number } | undefined;
    if (!ctor) continue;
    const per = ctor.BYTES_PER_ELEMENT ?? 1;
    g[name] = new Proxy(ctor, {
      construct(target, args, newTarget) {
        if (typeof args[0] === 'number') note(args[0] * per);
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
  }
  for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
    const original = Buffer[name].bind(Buffer) as (...args: unknown[]) => Buffer;
    (Buffer as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      if (typeof args[0] === 'number') note(args[0]);
      return original(...args);
    };
  }
  const repeat = String.prototype.repeat;
  String.prototype.repeat = function (this: string, count: number) {
    note(this.length * count * 2);
    return repeat.call(this, count);
  };
}

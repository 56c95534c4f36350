interface Entry<V> {
  value: V;
  /** When the entry was last moved to the young end. */
  stamp: number;
}

/**
 * A map that forgets its least recently used entries beyond `capacity`: state that never grows with
 * events. Recency is approximate: an entry read is moved to the young end only when a quarter of the
 * capacity has been touched since it last moved, which keeps a read on the hot path a plain lookup.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, Entry<V>>();
  private tick = 0;
  private readonly refreshAfter: number;
  constructor(readonly capacity: number) {
    this.refreshAfter = Math.max(1, capacity >> 2);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (++this.tick - e.stamp > this.refreshAfter) {
      this.map.delete(key);
      e.stamp = this.tick;
      this.map.set(key, e);
    }
    return e.value;
  }

  /** Reads without refreshing the entry's age. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: K, value: V): void {
    const e = this.map.get(key);
    if (e) this.map.delete(key);
    this.map.set(key, { value, stamp: ++this.tick });
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [k, e] of this.map) yield [k, e.value];
  }
}

/** A set that stops growing at `capacity`; `full` tells that later values were not kept. */
export class CappedSet {
  readonly values: Set<string>;
  full = false;
  constructor(
    readonly capacity: number,
    initial: Iterable<string> = [],
  ) {
    this.values = new Set();
    for (const v of initial) this.add(v);
  }

  has(v: string): boolean {
    return this.values.has(v);
  }

  add(v: string): void {
    if (this.values.has(v)) return;
    if (this.values.size >= this.capacity) {
      this.full = true;
      return;
    }
    this.values.add(v);
  }

  /** A few of the values, for a message: `a, b, c, … (12 in all)`. */
  sample(n = 5): string[] {
    const out: string[] = [];
    for (const v of this.values) {
      if (out.length === n) {
        out.push(`… (${this.values.size} in all)`);
        break;
      }
      out.push(v);
    }
    return out;
  }
}

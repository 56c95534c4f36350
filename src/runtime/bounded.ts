/** A map that forgets its least recently used entries beyond `capacity`: state that never grows with events. */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** Reads without refreshing the entry's age. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
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

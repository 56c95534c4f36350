const DIGEST_BYTES = 32;

/** The value of each lower-case hex digit's character code (below 256); -1 for any other code. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let c = 0; c < 16; c++) HEX_VALUE['0123456789abcdef'.charCodeAt(c)] = c;

/** The slots of one scope (`DigestCounter` with a scope): open addressing, an entry number + 1 per slot, 0 for an empty slot. */
interface Scope {
  slots: Int32Array;
  size: number;
}

/** Slots a scope starts with: most files have a few dozen findings or fewer. */
const SCOPE_SLOTS = 16;

/**
 * Counts occurrences of SHA-256 digests, kept as raw bytes in typed arrays: a scan's hundreds of
 * thousands of fingerprints cost 40 bytes each, off the JavaScript heap, instead of a hex string and
 * a map entry each that every garbage collection walks. Scopes are on the heap: a map entry and a
 * table of 16 slots or more for each file with findings (15–20 MB at 50,000 such files).
 *
 * A digest may be counted within a scope (`addBytes(bytes, scope)`): equal digests of different scopes
 * are different entries. A scan counts fingerprints by file (see `occurrenceScope`), so each file's
 * slots are a small table of their own that stays in the CPU's caches, where one table for the whole
 * scan (several MB at 50,000 objects) cost a cache miss or two for each finding; the digests themselves
 * are kept in order of arrival, a file's mostly side by side.
 */
export class DigestCounter {
  /** The slots of digests counted without a scope (`add`, `addHex`, `addBytes` without one). Small at first, doubled as entries come. */
  private readonly whole: Scope = { slots: new Int32Array(1 << 7), size: 0 };
  private readonly scopes = new Map<string, Scope>();
  /** The scope asked for last, and its name: a file's findings are counted one after another. */
  private lastScopeName: string | undefined;
  private lastScope: Scope = this.whole;
  private digests = new Uint8Array(DIGEST_BYTES * 64);
  private counts = new Uint32Array(64);
  /** Entries in all scopes. */
  private size = 0;

  private readonly scratch = new Uint8Array(DIGEST_BYTES);

  /** `add` for a digest written in lower-case hex (64 characters), as `hash(…, 'hex')` returns it without a Buffer. */
  addHex(hex: string): number {
    const d = this.scratch;
    // One table lookup per digit, checked once at the end: the codes seen and the values found.
    let codes = 0;
    let values = hex.length === 2 * DIGEST_BYTES ? 0 : -1;
    for (let i = 0; i < DIGEST_BYTES && values >= 0; i++) {
      const a = hex.charCodeAt(2 * i);
      const b = hex.charCodeAt(2 * i + 1);
      const high = HEX_VALUE[a & 0xff];
      const low = HEX_VALUE[b & 0xff];
      codes |= a | b;
      values |= high | low;
      d[i] = (high << 4) | low;
    }
    if (values < 0 || codes > 0xff)
      throw new Error(`DigestCounter: a digest is ${2 * DIGEST_BYTES} lower-case hex digits, not ${JSON.stringify(hex.slice(0, 80))}`);
    return this.add(d);
  }

  /**
   * `add` for a digest written one character per byte (`latin1`, 32 characters), as `hash(…, 'latin1')` returns it,
   * counted within `scope` when one is given.
   */
  addBytes(bytes: string, scope?: string): number {
    // Copied once, where a new entry's digest goes: counted there, or left to be overwritten when it was seen before.
    const entry = this.reserve();
    const at = entry * DIGEST_BYTES;
    const d = this.digests;
    let codes = bytes.length === DIGEST_BYTES ? 0 : 0x100;
    for (let i = 0; i < DIGEST_BYTES && codes <= 0xff; i++) {
      const c = bytes.charCodeAt(i);
      codes |= c;
      d[at + i] = c;
    }
    if (codes > 0xff)
      throw new Error(`DigestCounter: a digest is ${DIGEST_BYTES} characters below U+0100, not ${JSON.stringify(bytes.slice(0, 80))}`);
    return this.count(entry, scope === undefined ? this.whole : this.scope(scope));
  }

  /** Counts one more occurrence of `digest` (32 bytes) and returns how many came before it. */
  add(digest: Uint8Array): number {
    if (digest.length !== DIGEST_BYTES) throw new Error(`DigestCounter: a digest has ${DIGEST_BYTES} bytes, not ${digest.length}`);
    const entry = this.reserve();
    this.digests.set(digest, entry * DIGEST_BYTES);
    return this.count(entry, this.whole);
  }

  /** The slots of the scope named `name`, made on first use. */
  private scope(name: string): Scope {
    if (name === this.lastScopeName) return this.lastScope;
    let scope = this.scopes.get(name);
    if (scope === undefined) {
      scope = { slots: new Int32Array(SCOPE_SLOTS), size: 0 };
      this.scopes.set(name, scope);
    }
    this.lastScopeName = name;
    this.lastScope = scope;
    return scope;
  }

  /**
   * Counts the digest written at the place of the next entry (`reserve`) in `scope`: a new entry, or one
   * more occurrence of an equal one.
   */
  private count(next: number, scope: Scope): number {
    const d = this.digests;
    const at = next * DIGEST_BYTES;
    const slots = scope.slots;
    const mask = slots.length - 1;
    // SHA-256 output is uniform: its first bytes are a hash already.
    for (let slot = (d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (d[at + 3] << 24)) & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot] - 1;
      if (entry === -1) {
        this.size++;
        scope.size++;
        this.counts[next] = 1;
        slots[slot] = next + 1;
        // Kept at most half full, so that probes stay short.
        if (2 * scope.size > slots.length) this.grow(scope);
        return 0;
      }
      if (this.equals(entry, at)) return this.counts[entry]++;
    }
  }

  private equals(entry: number, at: number): boolean {
    const from = entry * DIGEST_BYTES;
    const d = this.digests;
    for (let i = 0; i < DIGEST_BYTES; i++) if (d[from + i] !== d[at + i]) return false;
    return true;
  }

  /** Makes room for one more entry's digest and returns its number. */
  private reserve(): number {
    const entry = this.size;
    if (entry === this.counts.length) {
      const counts = new Uint32Array(2 * entry);
      counts.set(this.counts);
      this.counts = counts;
      const digests = new Uint8Array(2 * entry * DIGEST_BYTES);
      digests.set(this.digests);
      this.digests = digests;
    }
    return entry;
  }

  /** Doubles the slots of `scope`, placing again the entries it holds. */
  private grow(scope: Scope): void {
    const old = scope.slots;
    const slots = new Int32Array(2 * old.length);
    const mask = slots.length - 1;
    const d = this.digests;
    for (let i = 0; i < old.length; i++) {
      const entry = old[i] - 1;
      if (entry === -1) continue;
      const at = entry * DIGEST_BYTES;
      let slot = (d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (d[at + 3] << 24)) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    scope.slots = slots;
  }
}

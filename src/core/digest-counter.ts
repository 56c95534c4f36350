const DIGEST_BYTES = 32;

/** The value of each lower-case hex digit's character code (below 256); -1 for any other code. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let c = 0; c < 16; c++) HEX_VALUE['0123456789abcdef'.charCodeAt(c)] = c;

/**
 * Counts occurrences of SHA-256 digests, kept as raw bytes in typed arrays: a scan's hundreds of
 * thousands of fingerprints cost 40 bytes each, off the JavaScript heap, instead of a hex string and
 * a map entry each that every garbage collection walks.
 */
export class DigestCounter {
  /**
   * Open addressing: an entry number + 1 per slot, 0 for an empty slot. Small at first, doubled as
   * entries come: the admission webhook makes an engine, so a counter, for each object it checks.
   */
  private slots = new Int32Array(1 << 7);
  private digests = new Uint8Array(DIGEST_BYTES * 64);
  private counts = new Uint32Array(64);
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

  /** `add` for a digest written one character per byte (`latin1`, 32 characters), as `hash(…, 'latin1')` returns it. */
  addBytes(bytes: string): number {
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
    return this.count(entry);
  }

  /** Counts one more occurrence of `digest` (32 bytes) and returns how many came before it. */
  add(digest: Uint8Array): number {
    if (digest.length !== DIGEST_BYTES) throw new Error(`DigestCounter: a digest has ${DIGEST_BYTES} bytes, not ${digest.length}`);
    const entry = this.reserve();
    this.digests.set(digest, entry * DIGEST_BYTES);
    return this.count(entry);
  }

  /** Counts the digest written at the place of the next entry (`reserve`): a new entry, or one more occurrence of an equal one. */
  private count(next: number): number {
    const d = this.digests;
    const at = next * DIGEST_BYTES;
    const mask = this.slots.length - 1;
    // SHA-256 output is uniform: its first bytes are a hash already.
    for (let slot = (d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (d[at + 3] << 24)) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] - 1;
      if (entry === -1) {
        this.size++;
        this.counts[next] = 1;
        this.slots[slot] = next + 1;
        // Kept at most half full, so that probes stay short.
        if (2 * this.size > this.slots.length) this.grow();
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

  private grow(): void {
    const slots = new Int32Array(2 * this.slots.length);
    const mask = slots.length - 1;
    const d = this.digests;
    for (let entry = 0; entry < this.size; entry++) {
      const at = entry * DIGEST_BYTES;
      let slot = (d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (d[at + 3] << 24)) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

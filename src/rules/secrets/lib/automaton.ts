/**
 * A multi-pattern literal matcher (Aho–Corasick) over case-folded UTF-16 text: one pass, one table
 * lookup per character, whatever the number of patterns. Patterns are ASCII; characters that occur
 * in no pattern all fall into one class, which keeps the table small enough for the L2 cache.
 */
export class LiteralAutomaton {
  private readonly classOf = new Uint8Array(65536);
  private readonly table: Uint32Array;
  private readonly start: number;
  /** States at or above this (premultiplied) id have outputs. */
  private readonly outMin: number;
  private readonly outputs: ReadonlyArray<readonly number[]>;
  private readonly width: number;

  constructor(readonly patterns: readonly string[]) {
    let next = 1;
    for (const p of patterns) {
      for (const ch of p.toLowerCase()) {
        const c = ch.charCodeAt(0);
        if (c > 127) throw new Error(`pattern '${p}' is not ASCII`);
        if (this.classOf[c]) continue;
        this.classOf[c] = next;
        if (c >= 97 && c <= 122) this.classOf[c - 32] = next;
        next++;
      }
    }
    const k = next;
    this.width = k;
    const go: Int32Array[] = [new Int32Array(k).fill(-1)];
    const out: number[][] = [[]];
    patterns.forEach((p, idx) => {
      let s = 0;
      for (const ch of p.toLowerCase()) {
        const c = this.classOf[ch.charCodeAt(0)];
        if (go[s][c] === -1) {
          go[s][c] = go.length;
          go.push(new Int32Array(k).fill(-1));
          out.push([]);
        }
        s = go[s][c];
      }
      out[s].push(idx);
    });
    const fail = new Int32Array(go.length);
    const queue: number[] = [];
    for (let c = 0; c < k; c++) {
      const s = go[0][c];
      if (s === -1) go[0][c] = 0;
      else queue.push(s);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const r = queue[qi];
      for (let c = 0; c < k; c++) {
        const s = go[r][c];
        if (s === -1) {
          go[r][c] = go[fail[r]][c];
          continue;
        }
        queue.push(s);
        fail[s] = go[fail[r]][c];
        out[s] = out[s].concat(out[fail[s]]);
      }
    }
    // Renumber so that states with outputs come last: one comparison per character tells a hit.
    const order = [...go.keys()].sort((a, b) => Number(out[a].length > 0) - Number(out[b].length > 0) || a - b);
    const id = new Int32Array(go.length);
    order.forEach((old, i) => (id[old] = i));
    this.table = new Uint32Array(go.length * k);
    for (let old = 0; old < go.length; old++) for (let c = 0; c < k; c++) this.table[id[old] * k + c] = id[go[old][c]] * k;
    this.start = id[0] * k;
    const firstOut = order.findIndex((s) => out[s].length > 0);
    this.outMin = (firstOut === -1 ? go.length : firstOut) * k;
    const outputs: number[][] = [];
    order.forEach((old, i) => (outputs[i] = out[old]));
    this.outputs = outputs;
  }

  /**
   * Calls `onMatch(patternIndex, start)` for every occurrence of every pattern, case-insensitively,
   * in order of the end of the occurrence.
   */
  scan(text: string, onMatch: (pattern: number, start: number) => void): void {
    const table = this.table;
    const classOf = this.classOf;
    const outMin = this.outMin;
    let s = this.start;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      s = table[s + classOf[text.charCodeAt(i)]];
      if (s >= outMin) this.emit(s, i, onMatch);
    }
  }

  /**
   * The same over the bytes of an ASCII text, whose offsets are those of the decoded string:
   * reading a byte array is faster than reading the characters of a string.
   */
  scanAscii(bytes: Uint8Array, onMatch: (pattern: number, start: number) => void): void {
    const table = this.table;
    const classOf = this.classOf;
    const outMin = this.outMin;
    let s = this.start;
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      s = table[s + classOf[bytes[i]]];
      if (s >= outMin) this.emit(s, i, onMatch);
    }
  }

  private emit(state: number, end: number, onMatch: (pattern: number, start: number) => void): void {
    for (const p of this.outputs[state / this.width]) onMatch(p, end + 1 - this.patterns[p].length);
  }
}

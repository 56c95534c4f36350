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
    const k = numberClasses(patterns, this.classOf);
    this.width = k;
    const { go, out } = trie(patterns, this.classOf, k);
    linkFailures(go, out, k);
    // Renumber so that states with outputs come last: one comparison per character tells a hit.
    const order = [...go.keys()].sort((a, b) => Number(out[a].length > 0) - Number(out[b].length > 0) || a - b);
    const id = new Int32Array(go.length);
    for (let i = 0; i < order.length; i++) id[order[i]] = i;
    this.table = denseTable(go, id, k);
    this.start = id[0] * k;
    const firstOut = order.findIndex((s) => out[s].length > 0);
    this.outMin = (firstOut === -1 ? go.length : firstOut) * k;
    this.outputs = order.map((old) => out[old]);
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
    // The loops that read the bytes call nothing: with the call to `emit` inside the loop, TurboFan
    // checked the three arrays' maps and bounds and reloaded their data pointers at every byte
    // (about 66 instructions a byte under cachegrind); four bytes a round share those checks.
    const table = this.table;
    const classOf = this.classOf;
    const outMin = this.outMin;
    let s = this.start;
    const n = bytes.length;
    let i = 0;
    for (;;) {
      let found = false;
      for (; i + 3 < n; i += 4) {
        s = table[s + classOf[bytes[i]]];
        if (s >= outMin) {
          found = true;
          break;
        }
        s = table[s + classOf[bytes[i + 1]]];
        if (s >= outMin) {
          i += 1;
          found = true;
          break;
        }
        s = table[s + classOf[bytes[i + 2]]];
        if (s >= outMin) {
          i += 2;
          found = true;
          break;
        }
        s = table[s + classOf[bytes[i + 3]]];
        if (s >= outMin) {
          i += 3;
          found = true;
          break;
        }
      }
      if (!found) {
        for (; i < n; i++) {
          s = table[s + classOf[bytes[i]]];
          if (s >= outMin) {
            found = true;
            break;
          }
        }
        if (!found) return;
      }
      this.emit(s, i, onMatch);
      i++;
    }
  }
  private emit(state: number, end: number, onMatch: (pattern: number, start: number) => void): void {
    for (const p of this.outputs[state / this.width]) onMatch(p, end + 1 - this.patterns[p].length);
  }
}

// The construction's loops run once per automaton, each in a function of its own: V8 compiles a
// long-running loop on the stack (on-stack replacement), and code after the loop that had not run yet
// then threw the compiled constructor away, twice per automaton (`--trace-deopt`).

/** Numbers the characters of the patterns (both ASCII cases of a letter alike) from 1 in `classOf`; the number of classes, 0 (no pattern's character) included. */
function numberClasses(patterns: readonly string[], classOf: Uint8Array): number {
  let next = 1;
  for (const p of patterns) {
    for (const ch of p.toLowerCase()) {
      const c = ch.charCodeAt(0);
      if (c > 127) throw new Error(`pattern '${p}' is not ASCII`);
      if (classOf[c]) continue;
      classOf[c] = next;
      if (c >= 97 && c <= 122) classOf[c - 32] = next;
      next++;
    }
  }
  return next;
}

/** The trie of the patterns: each state's transitions by class (-1: none) and the patterns ending there. */
function trie(patterns: readonly string[], classOf: Uint8Array, k: number): { go: Int32Array[]; out: number[][] } {
  const go: Int32Array[] = [new Int32Array(k).fill(-1)];
  const out: number[][] = [[]];
  for (let idx = 0; idx < patterns.length; idx++) {
    let s = 0;
    for (const ch of patterns[idx].toLowerCase()) {
      const c = classOf[ch.charCodeAt(0)];
      if (go[s][c] === -1) {
        go[s][c] = go.length;
        go.push(new Int32Array(k).fill(-1));
        out.push([]);
      }
      s = go[s][c];
    }
    out[s].push(idx);
  }
  return { go, out };
}

/** Turns the trie into the automaton, in place: missing transitions follow failure links, outputs gather those of the failure states. */
function linkFailures(go: Int32Array[], out: number[][], k: number): void {
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
}

/** The transitions as one table of premultiplied state ids (`id`: the state's new number). */
function denseTable(go: readonly Int32Array[], id: Int32Array, k: number): Uint32Array {
  const table = new Uint32Array(go.length * k);
  for (let old = 0; old < go.length; old++) for (let c = 0; c < k; c++) table[id[old] * k + c] = id[go[old][c]] * k;
  return table;
}

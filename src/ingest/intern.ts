// One string per distinct message, made from bytes. A log repeats its messages ("Self update:
// files are up to date.", the same installer line every run, the scheduler's same few lines),
// and a message that becomes a new string on every line costs an allocation, its hash in the
// pattern memo, and its memory again in every event kept. Interned, a repeat costs a hash and
// a compare over its bytes, and every event of it shares the one string.
//
// After Java's String.intern and V8's own string table: an open-addressing table of hashes and
// strings, bounded (cleared when full, so it never grows with the file), and bypassed for a
// while where it stops paying (a log whose every line is new).

/**
 * bytes[start, end) as a latin1 string. Node's Buffer has had a latin1Slice method since its
 * first versions (toString('latin1', …) calls it after checking its arguments); it is not in
 * the typings, and it is 2.5 times as fast per line as toString in `npm run bench`'s profile.
 * Where it is missing, toString does the same.
 */
export const latin1Slice: (bytes: Buffer, start: number, end: number) => string = (() => {
  const method: unknown = Reflect.get(Buffer.prototype, 'latin1Slice');
  if (typeof method !== 'function') return (bytes, start, end) => bytes.toString('latin1', start, end);
  return (bytes, start, end) => {
    const text: unknown = Reflect.apply(method, bytes, [start, end]);
    return typeof text === 'string' ? text : bytes.toString('latin1', start, end);
  };
})();

/** Longer messages are rarely repeats (they carry paths, ids, numbers), and hashing them costs more. */
export const MAX_INTERNED_BYTES = 200;
/** Slots of the table (a power of two), and the most strings it holds before it starts again. */
const SLOTS = 16_384;
const MOST = SLOTS / 2;
/** The interned strings' bytes, kept for comparing a line's bytes with (a word at a time). */
const ARENA_BYTES = 1 << 20;
/** A look at the hit rate every this many lookups; below a tenth, the table is left alone for BYPASS lookups. */
const WINDOW = 4096;
const BYPASS = 65_536;

export class ByteInterner {
  private readonly hashes = new Int32Array(SLOTS);
  /** Where each slot's bytes are in the arena. */
  private readonly offsets = new Int32Array(SLOTS);
  private readonly strings: string[] = new Array<string>(SLOTS).fill('');
  /** The slot whose message came after each slot's the last time (-1: none yet), and the last lookup's slot. */
  private readonly successors = new Int32Array(SLOTS).fill(-1);
  private lastSlot = -1;
  private readonly arena = Buffer.alloc(ARENA_BYTES);
  private readonly arenaView: DataView = new DataView(this.arena.buffer, this.arena.byteOffset, this.arena.byteLength);
  private arenaUsed = 0;
  private held = 0;
  private lookups = 0;
  private hits = 0;
  private bypassing = 0;
  /** The buffer of the last lookup, and a view of it: a chunk's lines come one after another. */
  private bytes: Buffer | null = null;
  private view: DataView = this.arenaView;

  /** The string of bytes[start, end), one byte a character (latin1): the one made before where these bytes were seen. */
  intern(bytes: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length > MAX_INTERNED_BYTES) {
      this.lastSlot = -1;
      return latin1Slice(bytes, start, end);
    }
    if (this.bypassing > 0) {
      this.bypassing -= 1;
      this.lastSlot = -1;
      return latin1Slice(bytes, start, end);
    }
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    const view = this.view;
    // A log repeats its messages in the same order (run after run): the message that followed
    // this one's predecessor last time is compared first, and where it is the one, no hash is made.
    const previous = this.lastSlot;
    if (previous >= 0) {
      const guess = this.successors[previous] ?? -1;
      if (guess >= 0) {
        const text = this.strings[guess] ?? '';
        if (text.length === length && sameBytes(this.arenaView, this.offsets[guess] ?? 0, view, start, length)) {
          this.count(true);
          this.lastSlot = guess;
          return text;
        }
      }
    }
    const hash = hashOf(view, start, end);
    const mask = SLOTS - 1;
    let slot = hash & mask;
    for (;;) {
      const held = this.hashes[slot];
      if (held === 0) break;
      if (held === hash) {
        const text = this.strings[slot] ?? '';
        if (text.length === length && sameBytes(this.arenaView, this.offsets[slot] ?? 0, view, start, length)) {
          this.count(true);
          this.follow(previous, slot);
          return text;
        }
      }
      slot = (slot + 1) & mask;
    }
    this.count(false);
    const text = latin1Slice(bytes, start, end);
    let after = previous;
    if (this.held >= MOST || this.arenaUsed + length > ARENA_BYTES) {
      this.clear();
      slot = hash & mask;
      after = -1;
    }
    bytes.copy(this.arena, this.arenaUsed, start, end);
    this.hashes[slot] = hash;
    this.offsets[slot] = this.arenaUsed;
    this.strings[slot] = text;
    this.arenaUsed += length;
    this.held += 1;
    this.follow(after, slot);
    return text;
  }

  /** The message at `slot` came after the one at `previous` (-1: none). */
  private follow(previous: number, slot: number): void {
    if (previous >= 0) this.successors[previous] = slot;
    this.lastSlot = slot;
  }

  private count(hit: boolean): void {
    if (hit) this.hits += 1;
    this.lookups += 1;
    if (this.lookups < WINDOW) return;
    if (this.hits * 10 < this.lookups) this.bypassing = BYPASS;
    this.lookups = 0;
    this.hits = 0;
  }

  private clear(): void {
    this.hashes.fill(0);
    this.strings.fill('');
    this.successors.fill(-1);
    this.lastSlot = -1;
    this.held = 0;
    this.arenaUsed = 0;
  }
}

/**
 * MurmurHash3 (x86, 32 bits) of bytes[start, end), never 0 (0 marks an empty slot). A word at a
 * time, through a DataView: a loop a byte at a time (FNV) was most of the interner's time in the
 * worker profile.
 */
function hashOf(view: DataView, start: number, end: number): number {
  let hash = 0x9747b28c;
  const words = end - ((end - start) & 3);
  let i = start;
  for (; i < words; i += 4) {
    let k = view.getInt32(i, true);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    hash ^= Math.imul(k, 0x1b873593);
    hash = (hash << 13) | (hash >>> 19);
    hash = (Math.imul(hash, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let shift = 0; i < end; i++, shift += 8) k |= view.getUint8(i) << shift;
  if (k !== 0) {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    hash ^= Math.imul(k, 0x1b873593);
  }
  hash ^= end - start;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash === 0 ? 1 : hash;
}

/** True where a[aStart…] and b[bStart…] hold the same `length` bytes, compared a word at a time (a byte at a time was five times slower). */
function sameBytes(a: DataView, aStart: number, b: DataView, bStart: number, length: number): boolean {
  const words = length - (length & 3);
  let i = 0;
  for (; i < words; i += 4) {
    if (a.getInt32(aStart + i, true) !== b.getInt32(bStart + i, true)) return false;
  }
  for (; i < length; i++) {
    if (a.getUint8(aStart + i) !== b.getUint8(bStart + i)) return false;
  }
  return true;
}

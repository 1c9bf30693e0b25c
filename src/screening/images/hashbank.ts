import { hexToWords, isHash256Hex, popcount32, wordsToHex } from './hash256.ts';

export type HashBankAction = 'reject' | 'review';

export interface HashBankMeta {
  name: string;
  label: string;
  action: HashBankAction;
}

export interface HashBankEntry {
  /** 64 lowercase hex digits. */
  hash: string;
  /** Quality as supplied in the file's optional second column. */
  quality?: number;
  /** 1-based line number in the source file. */
  line?: number;
}

export interface HashBank extends HashBankMeta {
  entries: HashBankEntry[];
  /** Lines that repeated an earlier hash of the same file (dropped). */
  duplicates: number;
}

export interface HashBankMatch {
  bank: string;
  label: string;
  action: HashBankAction;
  hash: string;
  distance: number;
}

/** PDQ match threshold (Meta's recommendation) and minimum usable quality. */
export const PDQ_MATCH_THRESHOLD = 31;
export const PDQ_MIN_QUALITY = 50;

export class HashBankParseError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'HashBankParseError';
    this.line = line;
  }
}

function validateMeta(meta: HashBankMeta): void {
  if (!meta || typeof meta.name !== 'string' || meta.name.trim() === '') {
    throw new TypeError('hash bank needs a non-empty name');
  }
  if (typeof meta.label !== 'string') throw new TypeError('hash bank label must be a string');
  if (meta.action !== 'reject' && meta.action !== 'review') {
    throw new TypeError(`hash bank action must be 'reject' or 'review', got ${JSON.stringify(meta.action)}`);
  }
}

/**
 * Parse a hash list: one 64-hex-digit hash per line, optionally followed (after whitespace or a
 * comma) by an integer quality 0..100. `#` starts a comment; blank lines are ignored; CRLF and
 * a UTF-8 BOM are accepted. Any other content is a HashBankParseError naming the line.
 */
export function parseHashBankFile(text: string, meta: HashBankMeta): HashBank {
  validateMeta(meta);
  if (typeof text !== 'string') throw new TypeError('hash bank text must be a string');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  const entries: HashBankEntry[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const hashPos = lines[i].indexOf('#');
    const content = (hashPos >= 0 ? lines[i].slice(0, hashPos) : lines[i]).trim();
    if (content === '') continue;
    const cols = content.split(/\s*,\s*|\s+/).filter((c) => c !== '');
    if (cols.length > 2) {
      throw new HashBankParseError(lineNo, `expected "<hash> [quality]", found ${cols.length} columns`);
    }
    const hash = cols[0];
    if (!isHash256Hex(hash)) {
      const why = /^[0-9a-fA-F]+$/.test(hash)
        ? `hash has ${hash.length} hex digits, expected 64`
        : 'hash contains non-hex characters';
      throw new HashBankParseError(lineNo, `${why}: ${JSON.stringify(hash.slice(0, 80))}`);
    }
    let quality: number | undefined;
    if (cols.length === 2) {
      if (!/^\d{1,3}$/.test(cols[1]) || Number(cols[1]) > 100) {
        throw new HashBankParseError(lineNo, `quality must be an integer 0..100, found ${JSON.stringify(cols[1])}`);
      }
      quality = Number(cols[1]);
    }
    const normalised = hash.toLowerCase();
    if (seen.has(normalised)) {
      duplicates++;
      continue;
    }
    seen.add(normalised);
    entries.push(quality === undefined ? { hash: normalised, line: lineNo } : { hash: normalised, quality, line: lineNo });
  }
  return { name: meta.name, label: meta.label, action: meta.action, entries, duplicates };
}

// ---------------------------------------------------------------------------------------------
// Multi-index hashing (Norouzi et al.; ThreatExchange pdq/cpp/index/mih.h).
//
// The 256 bits are split into 16 chunks of 16 bits (chunk c = hex digits 4c..4c+3). If two
// hashes differ in at most d bits, by pigeonhole at least one chunk differs in at most
// floor(d/16) bits (otherwise every chunk differs in >= floor(d/16)+1 bits and the total is
// >= 16*(floor(d/16)+1) > d). So probing, for each chunk, every 16-bit value within radius
// r = floor(d/16) of the query's chunk finds every true match; candidates are then verified
// with the full 256-bit distance. For d = 31, r = 1: 16 chunks x 17 probes = 272 bucket reads.
//
// Per chunk the buckets are a CSR layout: offsets (65537 x u32) into an id array (N x u32),
// built by counting sort. Hashes added after the last build sit in a small tail that is
// scanned linearly until it grows past a threshold, then the index is rebuilt.
// ---------------------------------------------------------------------------------------------

const NUM_CHUNKS = 16;
const BUCKETS = 1 << 16;
/** Radius beyond which probing costs more than a linear scan; we then scan. */
const MAX_PROBE_RADIUS = 2;

interface BankRecord extends HashBankMeta {
  index: number;
}

export interface AddResult {
  added: number;
  /** Entries whose declared quality was below PDQ_MIN_QUALITY (not indexed). */
  skippedLowQuality: number;
}

export interface HashBankIndexOptions {
  /** Rebuild the multi-index once this many hashes are unindexed. Default 4096. */
  tailLimit?: number;
}

/** 16-bit neighbours of v within Hamming radius r (r <= 2), v itself first. */
function neighbours16(v: number, r: number, out: Uint16Array): number {
  let n = 0;
  out[n++] = v;
  if (r >= 1) {
    for (let i = 0; i < 16; i++) {
      const v1 = v ^ (1 << i);
      out[n++] = v1;
      if (r >= 2) for (let j = i + 1; j < 16; j++) out[n++] = v1 ^ (1 << j);
    }
  }
  return n;
}

function chunkOf(words: Uint32Array, base: number, c: number): number {
  const w = words[base + (c >> 1)];
  return (c & 1) === 0 ? w >>> 16 : w & 0xffff;
}

export class HashBankIndex {
  private words = new Uint32Array(8 * 1024);
  private bankOf = new Uint16Array(1024);
  private count = 0;
  private readonly banks: BankRecord[] = [];
  private readonly bankByName = new Map<string, BankRecord>();

  /** CSR per chunk: offsets[c] has 65537 entries; ids[c] has indexedCount entries. */
  private offsets: Uint32Array[] = [];
  private ids: Uint32Array[] = [];
  private indexedCount = 0;
  private readonly tailLimit: number;

  /** Per-query de-duplication stamps. */
  private stamps = new Uint32Array(0);
  private stamp = 0;
  private readonly probeBuf = new Uint16Array(1 + 16 + 120);
  private readonly queryWords = new Uint32Array(8);

  constructor(options: HashBankIndexOptions = {}) {
    this.tailLimit = options.tailLimit ?? 4096;
  }

  /** Number of hashes indexed across all banks. */
  get size(): number {
    return this.count;
  }

  get bankNames(): string[] {
    return this.banks.map((b) => b.name);
  }

  /**
   * Add hashes to a bank (created on first use; a bank name must keep the same label/action).
   * Entries with a declared quality < 50 are skipped: low-quality hashes match too broadly.
   */
  add(bank: HashBankMeta, hashes: Iterable<string | HashBankEntry>): AddResult {
    validateMeta(bank);
    let rec = this.bankByName.get(bank.name);
    if (rec && (rec.label !== bank.label || rec.action !== bank.action)) {
      throw new Error(`hash bank ${JSON.stringify(bank.name)} already exists with a different label or action`);
    }
    // Validate everything before mutating so a bad entry leaves the index unchanged.
    const pending: string[] = [];
    let skippedLowQuality = 0;
    for (const item of hashes) {
      const entry: HashBankEntry = typeof item === 'string' ? { hash: item } : item;
      if (!isHash256Hex(entry.hash)) {
        throw new TypeError(`not a 256-bit hex hash: ${JSON.stringify(String(entry.hash).slice(0, 80))}`);
      }
      if (entry.quality !== undefined && entry.quality < PDQ_MIN_QUALITY) {
        skippedLowQuality++;
        continue;
      }
      pending.push(entry.hash);
    }
    if (!rec) {
      if (this.banks.length >= 0xffff) throw new Error('too many hash banks');
      rec = { name: bank.name, label: bank.label, action: bank.action, index: this.banks.length };
      this.banks.push(rec);
      this.bankByName.set(rec.name, rec);
    }
    this.reserve(this.count + pending.length);
    for (const h of pending) {
      hexToWords(h, this.words, this.count * 8);
      this.bankOf[this.count] = rec.index;
      this.count++;
    }
    return { added: pending.length, skippedLowQuality };
  }

  /** Convenience: add a parsed bank file. */
  addBank(bank: HashBank): AddResult {
    return this.add(bank, bank.entries);
  }

  private reserve(n: number): void {
    if (n <= this.bankOf.length) return;
    let cap = this.bankOf.length;
    while (cap < n) cap *= 2;
    const words = new Uint32Array(cap * 8);
    words.set(this.words.subarray(0, this.count * 8));
    this.words = words;
    const bankOf = new Uint16Array(cap);
    bankOf.set(this.bankOf.subarray(0, this.count));
    this.bankOf = bankOf;
  }

  /** Build (or rebuild) the per-chunk lookup tables over every hash added so far. */
  build(): void {
    const n = this.count;
    const words = this.words;
    const offsets: Uint32Array[] = [];
    const ids: Uint32Array[] = [];
    for (let c = 0; c < NUM_CHUNKS; c++) {
      const off = new Uint32Array(BUCKETS + 1);
      for (let i = 0; i < n; i++) off[chunkOf(words, i * 8, c) + 1]++;
      for (let b = 0; b < BUCKETS; b++) off[b + 1] += off[b];
      const cursor = off.slice(0, BUCKETS);
      const list = new Uint32Array(n);
      for (let i = 0; i < n; i++) list[cursor[chunkOf(words, i * 8, c)]++] = i;
      offsets.push(off);
      ids.push(list);
    }
    this.offsets = offsets;
    this.ids = ids;
    this.indexedCount = n;
    this.stamps = new Uint32Array(n);
    this.stamp = 0;
  }

  private distanceAt(i: number, q: Uint32Array, maxDistance: number): number {
    const w = this.words;
    const b = i * 8;
    let d = popcount32(w[b] ^ q[0]) + popcount32(w[b + 1] ^ q[1]) + popcount32(w[b + 2] ^ q[2]) + popcount32(w[b + 3] ^ q[3]);
    if (d > maxDistance) return d;
    d += popcount32(w[b + 4] ^ q[4]) + popcount32(w[b + 5] ^ q[5]) + popcount32(w[b + 6] ^ q[6]) + popcount32(w[b + 7] ^ q[7]);
    return d;
  }

  private toMatch(i: number, distance: number): HashBankMatch {
    const bank = this.banks[this.bankOf[i]];
    return { bank: bank.name, label: bank.label, action: bank.action, hash: wordsToHex(this.words, i * 8), distance };
  }

  /**
   * Every indexed hash within `maxDistance` bits of `hashHex` (inclusive), nearest first.
   * Throws TypeError if `hashHex` is not 64 hex digits.
   */
  match(hashHex: string, maxDistance = PDQ_MATCH_THRESHOLD): HashBankMatch[] {
    if (!Number.isInteger(maxDistance) || maxDistance < 0) throw new RangeError('maxDistance must be a non-negative integer');
    const q = hexToWords(hashHex, this.queryWords);
    if (this.count - this.indexedCount > this.tailLimit) this.build();
    const found: Array<[number, number]> = [];
    const radius = Math.floor(maxDistance / NUM_CHUNKS);

    if (radius > MAX_PROBE_RADIUS) {
      for (let i = 0; i < this.count; i++) {
        const d = this.distanceAt(i, q, maxDistance);
        if (d <= maxDistance) found.push([i, d]);
      }
    } else {
      if (this.indexedCount > 0) {
        if (this.stamp === 0xffffffff) {
          this.stamps.fill(0);
          this.stamp = 0;
        }
        const stamp = ++this.stamp;
        const stamps = this.stamps;
        const probes = this.probeBuf;
        for (let c = 0; c < NUM_CHUNKS; c++) {
          const off = this.offsets[c];
          const list = this.ids[c];
          const np = neighbours16(chunkOf(q, 0, c), radius, probes);
          for (let p = 0; p < np; p++) {
            const v = probes[p];
            const end = off[v + 1];
            for (let k = off[v]; k < end; k++) {
              const i = list[k];
              if (stamps[i] === stamp) continue;
              stamps[i] = stamp;
              const d = this.distanceAt(i, q, maxDistance);
              if (d <= maxDistance) found.push([i, d]);
            }
          }
        }
      }
      for (let i = this.indexedCount; i < this.count; i++) {
        const d = this.distanceAt(i, q, maxDistance);
        if (d <= maxDistance) found.push([i, d]);
      }
    }
    found.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    return found.map(([i, d]) => this.toMatch(i, d));
  }

  /** Linear scan; same contract as match(). For verification and tiny indexes. */
  matchBruteForce(hashHex: string, maxDistance = PDQ_MATCH_THRESHOLD): HashBankMatch[] {
    const q = hexToWords(hashHex, this.queryWords);
    const found: Array<[number, number]> = [];
    for (let i = 0; i < this.count; i++) {
      const d = this.distanceAt(i, q, maxDistance);
      if (d <= maxDistance) found.push([i, d]);
    }
    found.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    return found.map(([i, d]) => this.toMatch(i, d));
  }

  /** Match a PDQ result; hashes with quality < 50 are not usable and match nothing. */
  matchImage(pdq: { hash: string; quality: number }, maxDistance = PDQ_MATCH_THRESHOLD): HashBankMatch[] {
    if (!(pdq.quality >= PDQ_MIN_QUALITY)) return [];
    return this.match(pdq.hash, maxDistance);
  }
}

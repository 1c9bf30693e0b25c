/**
 * Where photo renditions live. Local files by default; the interface is what an S3-compatible
 * store implements for a multi-node deployment.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface PhotoStore {
  put(key: string, data: Buffer): Promise<void>;
  open(key: string): Promise<Readable | null>;
  delete(keys: string[]): Promise<void>;
  /** Keys under `prefix` written before `olderThan`, for sweeping uploads whose ad never got committed. */
  listOlderThan(olderThan: Date, prefix: string): AsyncIterable<string>;
}

const KEY_PATTERN = /^[a-z0-9/_-]+\.webp$/;

export class LocalPhotoStore implements PhotoStore {
  constructor(private root: string) {}

  private file(key: string): string {
    if (!KEY_PATTERN.test(key) || key.includes('..')) throw new Error(`invalid photo key: ${key}`);
    return path.join(this.root, key);
  }

  async put(key: string, data: Buffer) {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
  }

  async open(key: string) {
    let file: string;
    try {
      file = this.file(key);
      await stat(file);
    } catch {
      return null;
    }
    return createReadStream(file);
  }

  async delete(keys: string[]) {
    await Promise.all(keys.map((k) => rm(this.file(k), { force: true })));
  }

  async *listOlderThan(olderThan: Date, prefix: string): AsyncIterable<string> {
    if (prefix.includes('..')) return;
    const dir = path.join(this.root, prefix);
    let entries: string[];
    try {
      entries = (await readdir(dir, { recursive: true })) as string[];
    } catch {
      return;
    }
    for (const relative of entries) {
      const rel = path.join(prefix, relative);
      const key = rel.split(path.sep).join('/');
      if (!KEY_PATTERN.test(key)) continue;
      const s = await stat(path.join(this.root, rel));
      if (s.isFile() && s.mtime < olderThan) yield key;
    }
  }
}

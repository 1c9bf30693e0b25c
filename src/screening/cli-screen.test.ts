import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/corkboard.mjs', import.meta.url));

describe('corkboard screen (spawned)', () => {
  it('screens a JSON Lines file in order, reports bad lines and carries on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'screen-'));
    const file = join(dir, 'ads.jsonl');
    const ads = [
      { id: 'a1', title: 'Fresh eggs', body: 'Farm fresh eggs, $5 a dozen.' },
      '{not json',
      { id: 'a2', title: 'New girl', body: 'Incall tonight, 150 roses hh. Text 713-555-0111.', city: 'Houston' },
      { id: 'a3', title: 'New girl', body: 'Incall tonight, 160 roses hh. Text 713-555-0111.', city: 'Dallas' },
      { title: 'no id' },
      { id: 'a4', title: 'Bike', body: 'Kids bike, 20 inch, $40.', images: ['missing.jpg'] },
    ];
    writeFileSync(file, ads.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join('\n') + '\n');
    const run = spawnSync(process.execPath, [bin, 'screen', file], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    const out = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(6);
    expect(out[0]).toMatchObject({ id: 'a1', decision: 'publish', labels: [], group: null });
    expect(out[1]).toMatchObject({ line: 2, error: { code: 'invalid_json' } });
    expect(out[2]).toMatchObject({ id: 'a2', decision: 'reject' });
    expect(out[2].reasons[0]).toHaveProperty('evidence');
    expect(out[3].linked.phone).toBe(1);
    expect(out[3].group).not.toBeNull();
    // Reported once the file is done: the first ad of a group carries the group its copy joined.
    expect(out[2].group).toBe(out[3].group);
    expect(out[4]).toMatchObject({ line: 5, error: { code: 'invalid_ad' } });
    expect(out[5].id).toBe('a4');
    expect(out[5].image_errors[0].image).toBe('missing.jpg');
  });

  it('exits non-zero when the input cannot be read', () => {
    const run = spawnSync(process.execPath, [bin, 'screen', '/nonexistent/ads.jsonl'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
  });
});

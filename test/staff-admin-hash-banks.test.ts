/**
 * /staff/admin/hash-banks through the real app (PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * importing a file (the CLI's format and parser, line-numbered errors), changing the action and
 * deleting a bank, each seen by the screener at once and written to the audit log. The images are
 * generated block patterns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdqHash } from '../src/screening/images/index.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { staffAccount, type Browser } from './helpers/staff-client.ts';
import { bookcase, patternImage, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let admin: Browser;
let n = 0;
let image: Buffer;
let hash: string;

async function postWithPhoto() {
  n++;
  const fields = { ...bookcase, title: `Framed print number ${n}`, body: 'Framed abstract print, 40 by 40 cm, glass front.', price: '30', email: `bank-poster${n}@example.com` };
  const { id } = await postAdDirect(t, fields, { ip: `192.0.2.${n}`, photos: [{ filename: 'print.png', data: image }] });
  return (await t.ctx.ads.findById(id))!;
}
const bankAudit = (name: string) => t.ctx.moderation.audit.entriesFor('hash_bank', name);

beforeAll(async () => {
  t = await createTestApp();
  admin = await staffAccount(t, 'bank-admin@example.com', 'admin');
  image = await patternImage(11);
  hash = (await pdqHash(image)).hash;
}, 180_000); // the machine is shared: setup (app, sign-ups, two-factor) can take a while under load
afterAll(async () => t?.close());

describe('an admin manages hash banks', () => {
  it('shows an empty list and the import form', async () => {
    const page = await admin.get('/staff/admin/hash-banks');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No hash banks yet.');
    expect(page.body).toContain('enctype="multipart/form-data"');
  });

  it('refuses a bad file with the line number, and bad fields one by one, keeping the typed values', async () => {
    const bad = await admin.upload('/staff/admin/hash-banks/import', { name: 'goods-bank', label: 'prohibited_goods', action: 'review' }, { field: 'file', filename: 'bank.txt', content: `# comment\n${hash}\nnot-a-hash\n` }, '/staff/admin/hash-banks');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('bank.txt, line 3:');
    expect(bad.body).toContain('id="bank-name" name="name" value="goods-bank"');
    const fields = await admin.upload('/staff/admin/hash-banks/import', { name: 'bad name!', label: 'nonsense', action: 'delete' }, { field: 'file', filename: 'bank.txt', content: `${hash}\n` }, '/staff/admin/hash-banks');
    expect(fields.statusCode).toBe(400);
    expect(fields.body).toContain('Enter a bank name of 1 to 80');
    expect(fields.body).toContain('Choose one of child_safety');
    expect(fields.body).toContain('Choose review or reject.');
    expect(fields.body).toContain('value="bad name!"');
    const noFile = await admin.upload('/staff/admin/hash-banks/import', { name: 'goods-bank', label: 'prohibited_goods', action: 'review' }, { field: 'file', filename: '', content: '' }, '/staff/admin/hash-banks');
    expect(noFile.statusCode).toBe(400);
    expect(noFile.body).toContain('Choose a file of hashes to import.');
    expect(await t.ctx.hashBanks.list()).toHaveLength(0);
  });

  it('imports a file: the next ad with a matching photo is held, the audit log has it', async () => {
    expect((await postWithPhoto()).state).toBe('published');
    const res = await admin.upload('/staff/admin/hash-banks/import', { name: 'goods-bank', label: 'prohibited_goods', action: 'review' }, { field: 'file', filename: 'bank.txt', content: `# test bank\n${hash} 90\n${'0'.repeat(63)}1\n` }, '/staff/admin/hash-banks');
    expect(res.statusCode).toBe(303);
    const page = await admin.get(res.headers.location as string);
    expect(page.body).toContain('Imported into goods-bank: 2 hashes added, 0 already present.');
    expect(page.body).toMatch(/<tr data-bank="goods-bank"><th scope="row">goods-bank<\/th><td>prohibited_goods<\/td><td class="hashes">2<\/td>/);
    const held = await postWithPhoto();
    expect(held.state).toBe('held');
    expect((held.screening as { reasons: { rule: string }[] }).reasons.map((r) => r.rule)).toContain('image.goods-bank');
    expect((await bankAudit('goods-bank')).at(-1)).toMatchObject({ action: 'hashbank.import', actor: `user:${admin.id}`, details: { added: 2, created: true } });

    const conflict = await admin.upload('/staff/admin/hash-banks/import', { name: 'goods-bank', label: 'prohibited_goods', action: 'reject' }, { field: 'file', filename: 'bank.txt', content: `${hash}\n` }, '/staff/admin/hash-banks');
    expect(conflict.statusCode).toBe(400);
    expect(conflict.body).toContain('exists with label prohibited_goods and action review');
  });

  it('changes the action: the next match is rejected', async () => {
    const res = await admin.post('/staff/admin/hash-banks/action', { name: 'goods-bank', action: 'reject' }, '/staff/admin/hash-banks');
    expect(res.statusCode).toBe(303);
    expect((await postWithPhoto()).state).toBe('rejected');
    expect((await bankAudit('goods-bank')).at(-1)).toMatchObject({ action: 'hashbank.action', details: { from: 'review', to: 'reject' } });
    const unknown = await admin.post('/staff/admin/hash-banks/action', { name: 'no-such-bank', action: 'reject' }, '/staff/admin/hash-banks');
    expect(unknown.statusCode).toBe(404);
  });

  it('deletes only with the confirmation ticked; afterwards the photo no longer matches', async () => {
    const unconfirmed = await admin.post('/staff/admin/hash-banks/delete', { name: 'goods-bank' }, '/staff/admin/hash-banks');
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('Tick the box to confirm');
    expect(await t.ctx.hashBanks.list()).toHaveLength(1);
    const res = await admin.post('/staff/admin/hash-banks/delete', { name: 'goods-bank', confirm: 'yes' }, '/staff/admin/hash-banks');
    expect(res.statusCode).toBe(303);
    expect(await t.ctx.hashBanks.list()).toHaveLength(0);
    expect((await bankAudit('goods-bank')).at(-1)).toMatchObject({ action: 'hashbank.delete', details: { hashes: 2 } });
    expect((await postWithPhoto()).state).toBe('published');
  });
});

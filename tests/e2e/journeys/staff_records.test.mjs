// The staff's side of customer records, end to end in a real browser against the real binary
// with the demo city: the dispatcher (who works in French) finds the demo customer's invoice
// in the staff list, writes a new invoice with two lines (the second row added with "Ajouter
// une ligne", no script), is refused a price finer than the cent and corrects it, then exposes
// the invoice; the customer's reviewer finds it among their invoices with its lines. An asset
// component is added from its parent's page and shown under it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenshot, startPortal } from '../support/app.mjs';
import { signIn } from '../support/identity.mjs';

const REVIEWER = { email: 'reviewer@demo.test', password: 'demo-password' };
const DISPATCHER = { email: 'dispatcher@demo.test', password: 'demo-password' };
const FRENCH = { email: 'Adresse e-mail', password: 'Mot de passe', button: 'Se connecter' };

let portal;

before(async () => {
  portal = await startPortal({ serveArgs: ['--demo'] });
});

after(async () => {
  await portal?.stop();
});

/** The first column's links of the records table. */
function recordLinks(page) {
  return page.locator('table.records tbody tr td:first-child a');
}

test('a dispatcher writes an invoice with its lines and exposes it; the reviewer then reads it', async () => {
  // An invoice of the reviewer's account, to find that account on the staff side.
  const reviewer = await portal.newPage({ locale: 'en-US' });
  const staff = await portal.newPage({ locale: 'fr-FR' });
  try {
    await signIn(reviewer, portal.url, REVIEWER);
    await reviewer.goto(`${portal.url}/records/invoices?filter=all`);
    const known = (await recordLinks(reviewer).first().innerText()).trim();

    await signIn(staff, portal.url, DISPATCHER, FRENCH);
    await staff.getByRole('link', { name: 'Dossiers', exact: true }).click();
    await staff.getByRole('heading', { level: 1, name: 'Équipements' }).waitFor();
    await staff.getByRole('navigation', { name: 'Dossiers' }).getByRole('link', { name: 'Factures' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Factures' }).waitFor();
    await staff.getByRole('searchbox').fill(known);
    await staff.getByRole('searchbox').press('Enter');
    await staff.waitForURL(/q=/);
    await recordLinks(staff).first().click();
    await staff.getByRole('link', { name: 'Nouvelle facture' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Nouvelle facture' }).waitFor();

    const number = `INV-E2E-${Date.now() % 100000}`;
    await staff.locator('[name=number]').fill(number);
    await staff.locator('[name=status]').selectOption('issued');
    await staff.locator('[name=issued_on]').fill('2031-03-01');
    await staff.locator('[name=due_on]').fill('2031-03-31');
    const rows = staff.locator('table.invoice-lines tbody tr');
    const fillRow = async (i, [description, quantity, price, tax]) => {
      const row = rows.nth(i);
      await row.locator('[name=line_description]').fill(description);
      await row.locator('[name=line_quantity]').fill(quantity);
      await row.locator('[name=line_unit_price]').fill(price);
      await row.locator('[name=line_tax_rate]').fill(tax);
    };
    await fillRow(0, ['Main-d’œuvre', '1,5', '95,00', '14,975']);
    const before = await rows.count();
    await staff.getByRole('button', { name: 'Ajouter une ligne' }).click();
    await staff.waitForLoadState();
    assert.equal(await rows.count(), before + 1, 'one more row, nothing saved');
    assert.equal(await rows.nth(0).locator('[name=line_description]').inputValue(), 'Main-d’œuvre');
    const blank = before; // the row just added: after the typed line and the blank rows
    await fillRow(blank, ['Filtre', '2', '10,001', '5']);
    await staff.getByRole('button', { name: 'Enregistrer' }).click();
    await staff.getByRole('alert').waitFor();
    assert.match(await staff.getByRole('alert').innerText(), /ligne/i, 'the reason is given');

    // Corrected: saved, with its lines and totals; then shown to the customer.
    await staff.locator('input[value="10,001"]').fill('10,00');
    await staff.getByRole('button', { name: 'Enregistrer' }).click();
    await staff.getByRole('heading', { level: 1, name: new RegExp(number) }).waitFor();
    assert.match(await staff.locator('p.notice').innerText(), /Enregistré/);
    const lines = await staff.locator('table.invoice-lines tbody').innerText();
    assert.match(lines, /Main-d’œuvre/);
    assert.match(lines, /Filtre/);
    // 1,5 × 95,00 + 2 × 10,00 = 162,50.
    assert.match(await staff.locator('.invoice-totals').innerText(), /162,50/);
    await staff.getByRole('button', { name: 'Rendre visible au client' }).click();
    await staff.getByRole('button', { name: 'Masquer au client' }).waitFor();
    await screenshot(staff, 'staff-invoice');

    await reviewer.goto(`${portal.url}/records/invoices?filter=all&q=${encodeURIComponent(number)}`);
    await recordLinks(reviewer).filter({ hasText: number }).click();
    await reviewer.getByRole('heading', { level: 1, name: new RegExp(number) }).waitFor();
    assert.match(await reviewer.locator('table.invoice-lines tbody').innerText(), /Filtre/);
  } finally {
    await reviewer.context().close();
    await staff.context().close();
  }
});

test('a dispatcher adds a component to an asset from its page', async () => {
  const staff = await portal.newPage({ locale: 'fr-FR' });
  try {
    await signIn(staff, portal.url, DISPATCHER, FRENCH);
    await staff.goto(`${portal.url}/staff/assets?filter=top-level`);
    const parent = recordLinks(staff).first();
    const parentName = (await parent.innerText()).trim();
    await parent.click();
    await staff.getByRole('link', { name: 'Ajouter un composant' }).click();
    const name = `Ventilateur E2E ${Date.now() % 100000}`;
    await staff.locator('[name=name]').fill(name);
    await staff.locator('[name=product]').fill('Ventilateur V-2');
    await staff.getByRole('button', { name: 'Enregistrer' }).click();
    await staff.getByRole('heading', { level: 1, name }).waitFor();
    const facts = await staff.locator('dl.facts').innerText();
    assert.ok(facts.includes(parentName), 'its parent is named');
    await staff.getByRole('link', { name: parentName }).first().click();
    await staff.getByRole('link', { name }).waitFor();
  } finally {
    await staff.context().close();
  }
});

// Customer records, end to end in a real browser against the real binary with the demo city:
// the demo customer's reviewer browses agreements (Active, Expired, All Agreements), the asset
// tree, a work order, and prints an invoice; the approver approves an estimate, rejects another
// and a renewal with a comment; the dispatcher's mailbox has both decision emails, whose link opens
// the staff page of the record.
//
// The demo makes its records at random around the demo's day, so the journey reads numbers
// from the pages instead of assuming them. The approver and the dispatcher work in French (their
// profiles say so).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenshot, startPortal } from '../support/app.mjs';
import { readMessage, signIn } from '../support/identity.mjs';

const REVIEWER = { email: 'reviewer@demo.test', password: 'demo-password' };
const APPROVER = { email: 'approver@demo.test', password: 'demo-password' };
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

test('a reviewer browses agreements, the asset tree, a work order and prints an invoice', async () => {
  const page = await portal.newPage({ locale: 'en-US' });
  try {
    await signIn(page, portal.url, REVIEWER);
    await page.getByRole('link', { name: 'Field Service' }).click();
    await page.getByRole('heading', { level: 1, name: 'Agreements' }).waitFor();
    const filters = page.getByRole('navigation', { name: 'Show' });
    assert.equal(await filters.getByRole('link', { name: 'Active', exact: true }).getAttribute('aria-current'), 'page');
    const active = await recordLinks(page).allInnerTexts();
    assert.ok(active.length > 0, 'the demo customer has active agreements');

    await filters.getByRole('link', { name: 'Expired', exact: true }).click();
    await page.waitForURL(/filter=expired/);
    const expired = await recordLinks(page).allInnerTexts();
    assert.ok(expired.length > 0, 'and expired ones');
    assert.ok(expired.every((n) => !active.includes(n)), 'Expired and Active are different agreements');

    await page.getByRole('navigation', { name: 'Show' }).getByRole('link', { name: 'All Agreements' }).click();
    await page.waitForURL(/filter=all/);
    const all = await recordLinks(page).allInnerTexts();
    assert.ok(all.length >= Math.min(20, active.length + expired.length));

    // The asset tree: components under their top-level asset.
    await page.getByRole('link', { name: 'Assets', exact: true }).first().click();
    await page.getByRole('link', { name: 'Tree view' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tree view' }).waitFor();
    assert.ok((await page.locator('table.asset-tree tbody tr').count()) > 0);

    // A work order and its page.
    await page.getByRole('link', { name: 'Work Orders', exact: true }).first().click();
    const workOrder = recordLinks(page).first();
    const number = (await workOrder.innerText()).trim();
    await workOrder.click();
    await page.getByRole('heading', { level: 1, name: new RegExp(number) }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'History' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0, 'a reviewer has no Approve button');

    // An invoice, printed.
    await page.goto(`${portal.url}/records/invoices?filter=all`);
    await recordLinks(page).first().click();
    await page.getByRole('link', { name: 'Print' }).click();
    await page.waitForURL(/\/print$/);
    assert.equal(await page.locator('nav').count(), 0, 'the print page has no navigation');
    assert.ok((await page.locator('table.invoice-lines tbody tr').count()) > 0);
    await screenshot(page, 'records-invoice-print');
  } finally {
    await page.context().close();
  }
});

test('an approver approves an estimate, rejects another and a renewal with a comment; the dispatcher is told of each', async () => {
  // The approver of the demo works in French (his profile says so). The demo customer has two
  // estimates waiting and one agreement waiting for its renewal.
  const page = await portal.newPage({ locale: 'fr-FR' });
  const comment = 'Trop cher pour ce trimestre';
  let estimate;
  let refused;
  let agreement;
  try {
    await signIn(page, portal.url, APPROVER, FRENCH);
    await page.goto(`${portal.url}/records/work-orders?filter=awaiting-approval`);
    let link = recordLinks(page).first();
    estimate = (await link.innerText()).trim();
    await link.click();
    await page.getByRole('button', { name: 'Approuver', exact: true }).click();
    await page.waitForURL(/notice=estimate-approved/);
    assert.equal(await page.getByRole('button', { name: 'Approuver' }).count(), 0, 'decided once');

    // The other estimate: rejected with a comment.
    await page.goto(`${portal.url}/records/work-orders?filter=awaiting-approval`);
    link = recordLinks(page).first();
    refused = (await link.innerText()).trim();
    assert.notEqual(refused, estimate, 'the approved estimate no longer waits');
    await link.click();
    await page.getByLabel('Commentaire').fill(comment);
    await page.getByRole('button', { name: 'Refuser', exact: true }).click();
    await page.waitForURL(/notice=estimate-rejected/);

    await page.goto(`${portal.url}/records/agreements?filter=awaiting-approval`);
    link = recordLinks(page).first();
    agreement = (await link.innerText()).trim();
    await link.click();
    // Rejecting without a comment is refused, with why.
    await page.getByRole('button', { name: 'Refuser', exact: true }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Commentaire').fill(comment);
    await page.getByRole('button', { name: 'Refuser', exact: true }).click();
    await page.waitForURL(/notice=renewal-rejected/);
    await page.getByText(comment).first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Refuser' }).count(), 0, 'decided once');
  } finally {
    await page.context().close();
  }

  const staff = await portal.newPage({ locale: 'fr-FR' });
  try {
    await signIn(staff, portal.url, DISPATCHER, FRENCH);
    await staff.goto(`${portal.url}/staff/mailbox`);
    const approved = await readMessage(staff, { recipient: DISPATCHER.email, subject: new RegExp(`Devis approuvé.*${estimate}`) });
    assert.match(approved.text, new RegExp(estimate));
    await staff.goto(`${portal.url}/staff/mailbox`);
    const refusedMail = await readMessage(staff, { recipient: DISPATCHER.email, subject: new RegExp(`Devis refusé.*${refused}`) });
    assert.match(refusedMail.text, new RegExp(comment));
    await staff.goto(`${portal.url}/staff/mailbox`);
    const rejected = await readMessage(staff, { recipient: DISPATCHER.email, subject: new RegExp(`Renouvellement refusé.*${agreement}`) });
    assert.match(rejected.text, new RegExp(comment));
    // The email's link: the staff page of the agreement, with the decision.
    const staffLink = /\/staff\/agreements\/\d+/.exec(rejected.text);
    assert.ok(staffLink, 'the email links to the staff page');
    await staff.goto(`${portal.url}${staffLink[0]}`);
    await staff.getByText(comment).first().waitFor();
  } finally {
    await staff.context().close();
  }
});

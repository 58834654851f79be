// Booking on behalf of a customer, end to end in a real browser against the real binary with
// the demo city: the demo dispatcher (who works in French) takes a phone order for the demo
// customer — finds the account, picks a service type, a day (its times appear in place, each
// with the technicians who could come) and a time — and books; the customer then finds the
// visit under Upcoming appointments, and the confirmation with its calendar invitation is in
// the mailbox.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenshot, startPortal } from '../support/app.mjs';
import { signIn } from '../support/identity.mjs';

const CUSTOMER = { email: 'customer@demo.test', password: 'demo-password' };
const DISPATCHER = { email: 'dispatcher@demo.test', password: 'demo-password' };
const FRENCH = { email: 'Adresse e-mail', password: 'Mot de passe', button: 'Se connecter' };

let portal;

before(async () => {
  portal = await startPortal({ serveArgs: ['--demo'] });
});

after(async () => {
  await portal?.stop();
});

test('a dispatcher takes a phone order for the demo customer, who sees it and gets the email', { timeout: 300_000 }, async () => {
  const staff = await portal.newPage({ locale: 'fr-CA' });
  await signIn(staff, portal.url, DISPATCHER, FRENCH);
  await staff.getByRole('link', { name: 'Réserver pour un client', exact: true }).click();
  await staff.getByRole('heading', { level: 1, name: 'Prendre un nouveau rendez-vous pour un client' }).waitFor();

  // Which customer? The account search, by the contact's email.
  await staff.locator('#q').fill(CUSTOMER.email);
  await staff.locator('#q').press('Enter');
  await staff.waitForURL(/q=/);
  await staff.locator('#account-results a').first().click();
  await staff.getByRole('heading', { level: 1, name: /^Prendre un nouveau rendez-vous pour / }).waitFor();

  // What: a service type; the customer's day picker appears in place.
  const types = staff.locator('select[name="service_type_id"]');
  const options = await types.locator('option').allTextContents();
  const label = options.find((o) => /^(Appliance repair|Réparation d.électroménagers)/.test(o));
  assert.ok(label, `the demo's appliance repair is offered: ${options.join(', ')}`);
  await types.selectOption({ label });
  const day = staff.locator('.day-picker button[name="date"]:not([disabled])').first();
  await day.waitFor();

  // When: a day, then a time with the technicians who could come.
  await staff.evaluate(() => { window.onsiteJourneyMarker = 'still here'; });
  await day.click();
  const first = staff.locator('#slots input[name="starts_at"]').first();
  await first.waitFor();
  assert.equal(await staff.evaluate(() => window.onsiteJourneyMarker), 'still here', 'no page reload');
  const who = await staff.locator('#slots .slot-technicians').first().innerText();
  assert.match(who, /min de route/, `each time lists who could come: ${who}`);
  await first.check();
  await screenshot(staff, 'staff-booking-fr');
  await staff.locator('button.book-button').click();

  // The confirmation says the customer was emailed.
  await staff.waitForURL(/\/staff\/bookings\/\d+$/);
  await staff.getByText('Réservé. La confirmation du client').waitFor();
  const service = (await staff.locator('dl.visit-facts dd').first().innerText()).trim();
  assert.deepEqual(staff.problems, [], 'no console errors or CSP violations for staff');

  // The customer sees it under Upcoming appointments.
  const page = await portal.newPage({ locale: 'en-US' });
  await signIn(page, portal.url, CUSTOMER);
  await page.getByRole('heading', { level: 2, name: 'Upcoming appointments' }).waitFor();
  assert.ok((await page.locator('article.visit').count()) > 0, 'the visit is upcoming');
  assert.deepEqual(page.problems, [], 'no console errors or CSP violations for the customer');

  // The confirmation, with its calendar invitation, in the mailbox.
  await staff.goto(`${portal.url}/staff/mailbox?recipient=${encodeURIComponent(CUSTOMER.email)}`);
  const link = staff.getByRole('row').getByRole('link', { name: /^Your visit is booked: / }).first();
  await link.waitFor();
  await link.click();
  await staff.getByRole('link', { name: 'invite.ics' }).waitFor();
  assert.ok(service.length > 0);
});

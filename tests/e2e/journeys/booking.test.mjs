// Self-scheduling, end to end in a real browser against the real binary with the demo city:
// the demo customer books the first slot of the first available day (the day's slots appear
// without a page reload), sees the confirmation, finds the visit under Upcoming appointments
// with Modify, reschedules it, cancels it with a reason, and finds it under Past appointments
// as Canceled. The three emails (booked, moved, canceled) are in the staff mailbox with their
// calendar invitations, read by the demo dispatcher (who works in French).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { screenshot, startPortal } from '../support/app.mjs';
import { signIn } from '../support/identity.mjs';

const CUSTOMER = { email: 'customer@demo.test', password: 'demo-password' };
const DISPATCHER = { email: 'dispatcher@demo.test', password: 'demo-password' };
const SERVICE = 'Appliance repair';
const REASON = 'The fridge works again after a reset';

let portal;

before(async () => {
  portal = await startPortal({ serveArgs: ['--demo'] });
});

after(async () => {
  await portal?.stop();
});

/** Picks the first day that can be chosen and waits for its slots; returns the day's value. */
async function chooseFirstDay(page) {
  const day = page.locator('.day-picker button[name="date"]:not([disabled])').first();
  await day.waitFor();
  const value = await day.getAttribute('value');
  await day.click();
  await page.getByRole('heading', { name: /^Available times on / }).waitFor();
  assert.equal(await day.getAttribute('aria-pressed'), 'true', 'the chosen day is marked');
  return value;
}

test('book, see it upcoming, reschedule, cancel with a reason, see it past; the emails arrive', { timeout: 300_000 }, async () => {
  const page = await portal.newPage({ locale: 'en-US' });
  await signIn(page, portal.url, CUSTOMER);
  await page.getByRole('heading', { level: 1, name: 'Welcome, Camille Tremblay' }).waitFor();

  // Book a new appointment: service type first, then the day picker appears in place.
  await page.getByRole('link', { name: 'Book a new appointment' }).click();
  await page.getByRole('heading', { level: 1, name: 'Book a new appointment' }).waitFor();
  const options = await page.getByLabel('Service type').locator('option').allTextContents();
  const label = options.find((o) => o.startsWith(`${SERVICE} (`));
  assert.ok(label, `${SERVICE} is offered: ${options.join(', ')}`);
  await page.getByLabel('Service type').selectOption({ label });
  await page.getByRole('heading', { name: 'Choose a day' }).waitFor();
  assert.ok((await page.locator('.day-picker button[name="date"][disabled][aria-disabled="true"]').count()) > 0,
    'days without a slot are visibly disabled');

  // Choosing a day shows its slots without reloading the page.
  await page.evaluate(() => { window.onsiteJourneyMarker = 'still here'; });
  await chooseFirstDay(page);
  assert.equal(await page.evaluate(() => window.onsiteJourneyMarker), 'still here', 'no page reload');
  const firstSlot = page.locator('#slots input[name="slot"]').first();
  await firstSlot.check();
  await page.getByLabel('Comments (optional)').fill('Side door, ring twice');
  let file = await screenshot(page, 'booking-en');
  assert.ok(existsSync(file), `screenshot saved at ${file}`);
  await page.getByRole('button', { name: 'Book', exact: true }).click();

  // The confirmation.
  await page.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();
  await page.getByText('A confirmation email is on its way to customer@demo.test').waitFor();
  const workOrder = (await page.locator('dt:text-is("Work order") + dd').innerText()).trim();
  assert.match(workOrder, /^WO-\d+/);
  const when = async () => [
    (await page.locator('dt:text-is("Date") + dd').innerText()).trim(),
    (await page.locator('dt:text-is("Time") + dd').innerText()).trim(),
  ].join(', ');
  const booked = await when();

  // The homepage: under Upcoming appointments, with Modify.
  await page.getByRole('link', { name: 'Back to my appointments' }).first().click();
  await page.getByRole('heading', { level: 2, name: 'Upcoming appointments' }).waitFor();
  const card = page.locator('article.visit').filter({ hasText: workOrder });
  await card.waitFor();
  assert.match(await card.innerText(), /Scheduled/);
  file = await screenshot(page, 'homepage-en');
  assert.ok(existsSync(file), `screenshot saved at ${file}`);

  // Modify → a new date and time.
  await card.getByRole('link', { name: /^Modify/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Modify appointment' }).waitFor();
  await chooseFirstDay(page);
  const slots = page.locator('#slots input[name="slot"]');
  assert.ok((await slots.count()) > 0, 'the day has free times');
  await slots.last().check();
  await page.getByRole('button', { name: 'Save the new time' }).click();
  await page.getByText('Your appointment has a new time.').waitFor();
  assert.notEqual(await when(), booked, 'the visit has its new time');
  assert.equal(
    (await page.locator('dt:text-is("Work order") + dd').innerText()).trim(),
    workOrder,
    'the work order stays the same',
  );

  // Cancel appointment, with a reason.
  await page.getByLabel('Why are you canceling? (required)').fill(REASON);
  await page.getByRole('button', { name: 'Cancel appointment' }).click();
  await page.getByText('Your appointment is canceled.').waitFor();
  await page.getByRole('heading', { level: 2, name: 'Past appointments' }).waitFor();
  const past = page.locator('article.visit').filter({ hasText: workOrder });
  await past.waitFor();
  const pastText = await past.innerText();
  assert.match(pastText, /Canceled/);
  assert.ok(pastText.includes(REASON), pastText);
  // And it is no longer upcoming.
  await page.getByRole('link', { name: /^Upcoming appointments/ }).click();
  await page.getByRole('heading', { level: 2, name: 'Upcoming appointments' }).waitFor();
  assert.equal(await page.locator('article.visit').filter({ hasText: workOrder }).count(), 0);
  assert.deepEqual(page.problems, [], 'no console errors or CSP violations for the customer');

  // The three emails, each with its calendar invitation, in the mailbox.
  const staff = await portal.newPage({ locale: 'fr-CA' });
  await signIn(staff, portal.url, DISPATCHER, { email: 'Adresse e-mail', password: 'Mot de passe', button: 'Se connecter' });
  for (const [subject, attachment] of [
    [new RegExp(`^Your visit is booked: ${SERVICE}`), 'invite.ics'],
    [/^Your visit has moved to /, 'invite.ics'],
    [/^Your visit of .* is canceled$/, 'cancel.ics'],
  ]) {
    await staff.goto(`${portal.url}/staff/mailbox?recipient=${encodeURIComponent(CUSTOMER.email)}`);
    const link = staff.getByRole('row').getByRole('link', { name: subject }).first();
    await link.waitFor();
    await link.click();
    await staff.getByRole('link', { name: attachment }).waitFor();
    const body = await staff.locator('pre.message-text').innerText();
    assert.ok(body.includes(workOrder), `the email names ${workOrder}:\n${body}`);
  }
  assert.deepEqual(staff.problems, [], 'no console errors or CSP violations for staff');
});

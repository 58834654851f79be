// From an empty database to a first customer booking online, in a real browser against the real
// binary without the demo (issue 14's acceptance journey, docs/backoffice.md): the first
// administrator is made from the command line, signs in through the link it prints, and sets
// up the company through the back office alone — scheduling settings, a skill, a service type,
// a territory drawn on the map, a working-hours template, a technician based in the territory,
// a customer account there with a contact — and invites the contact, who redeems the code from
// the email as delivered and books a visit, which goes to that technician. Time off over the
// visit then leaves nobody to take it: the page says so and the customer is emailed to choose
// a new time, which they do.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { freshDataDir, onsiteBinary, screenshot, startPortal } from '../support/app.mjs';
import { signIn } from '../support/identity.mjs';
import { startSmtpSink } from '../support/mail.mjs';

const ADMIN = { email: 'bea@frost-and-flame.test', password: 'a cold room in summer' };
const CUSTOMER = { email: 'cara@corner-deli.test', password: 'pickles in the cooler' };
const TECHNICIAN = 'Tom Frost';
const ACCOUNT = 'Corner Deli';
const ZONE = 'America/Toronto';

let smtp;
let portal;
let firstLink;

before(async () => {
  // The command line, on the server, before the first start.
  const dataDir = await freshDataDir();
  const made = spawnSync(onsiteBinary(), ['admin', 'create', '--data-dir', dataDir, '--email', ADMIN.email, '--name', 'Bea Boss'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  firstLink = /\/reset-password\/[0-9a-f]+/.exec(made.stdout)?.[0];
  assert.ok(firstLink, `a link to choose the password in: ${made.stdout}`);
  const again = spawnSync(onsiteBinary(), ['admin', 'create', '--data-dir', dataDir, '--email', 'second@frost-and-flame.test'], { encoding: 'utf8' });
  assert.equal(again.status, 2, 'refused once an administrator exists');

  smtp = await startSmtpSink();
  portal = await startPortal({ dataDir, env: smtp.serverEnv });
});

after(async () => {
  await portal?.stop();
  await smtp?.stop();
});

test('from an empty database to a working back office', { timeout: 300_000 }, async () => {
  const admin = await portal.newPage({ locale: 'en-US' });

  // The link printed by the command line: choose the password, then sign in.
  await admin.goto(`${portal.url}${firstLink}`);
  await admin.getByLabel('New password', { exact: true }).fill(ADMIN.password);
  await admin.getByLabel('Confirm the new password', { exact: true }).fill(ADMIN.password);
  await admin.getByRole('button', { name: 'Save the new password' }).click();
  await admin.waitForURL((url) => !url.pathname.startsWith('/reset-password/'));
  await signIn(admin, portal.url, ADMIN);
  await admin.getByRole('heading', { level: 1, name: 'Welcome, Bea Boss' }).waitFor();

  // Scheduling settings.
  await admin.goto(`${portal.url}/staff/settings/scheduling`);
  await admin.getByLabel(/Time between offered start times/).fill('30');
  await admin.getByLabel(/How far ahead customers can book/).fill('21');
  await admin.getByLabel(/Shortest notice for a booking/).fill('60');
  await admin.getByRole('button', { name: 'Save the settings' }).click();
  await admin.waitForLoadState();
  assert.equal(await admin.getByLabel(/How far ahead customers can book/).inputValue(), '21');

  // A skill, then a service type that needs it.
  await admin.goto(`${portal.url}/staff/catalog/skills`);
  await admin.getByText('New skill').click();
  await admin.getByLabel('Name', { exact: true }).fill('Refrigeration');
  await admin.getByRole('button', { name: 'Create' }).click();
  await admin.getByText('Created.').waitFor();
  await admin.goto(`${portal.url}/staff/catalog/service-types/new`);
  await admin.getByLabel('Name', { exact: true }).fill('Walk-in cooler maintenance');
  await admin.locator('input[lang=fr]').fill('Entretien de chambre froide');
  await admin.getByLabel(/Duration of a visit/).fill('90');
  await admin.getByLabel('Refrigeration').selectOption({ label: 'At least 3' });
  await admin.getByLabel('Offered to customers for self-scheduling').check();
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.getByRole('heading', { level: 1, name: 'Walk-in cooler maintenance' }).waitFor();

  await screenshot(admin, 'empty-start-service-type');

  // A territory drawn on the map: each click adds a point and the text field follows; the
  // selected point (the last one added) is removed and put back; the saved area is drawn again.
  await admin.goto(`${portal.url}/staff/territories/new`);
  await admin.getByLabel('Name', { exact: true }).fill('Downtown');
  const map = admin.locator('.territory-map-canvas');
  await map.waitFor();
  const box = await map.boundingBox();
  const at = ([x, y]) => map.click({ position: { x: box.width * x, y: box.height * y } });
  const corners = [[0.3, 0.3], [0.7, 0.3], [0.7, 0.7], [0.3, 0.7]];
  for (const corner of corners) await at(corner);
  const points = async () => (await admin.getByLabel('Points of the area').inputValue()).split('\n').filter(Boolean).length;
  assert.equal(await points(), 4, 'each click adds a point to the text');
  await admin.getByRole('button', { name: 'Remove the selected point' }).click();
  assert.equal(await points(), 3, 'the selected point removed');
  await at(corners[3]);
  await admin.getByRole('button', { name: 'Save territory' }).click();
  await admin.getByRole('heading', { level: 1, name: 'Downtown' }).waitFor();
  await admin.getByText('Territory created.').waitFor();
  assert.equal(await points(), 4);
  assert.equal(await admin.locator('.territory-vertex').count(), 4, 'the saved area is drawn');
  await screenshot(admin, 'empty-start-territory');

  // A point well inside the drawn area: the middle of its corners, as saved.
  const corners_saved = (await admin.getByLabel('Points of the area').inputValue())
    .split('\n').filter(Boolean).map((line) => line.split(/[,\s]+/).filter(Boolean).map(Number));
  const inside = [0, 1].map((i) => corners_saved.reduce((sum, c) => sum + c[i], 0) / corners_saved.length);
  assert.ok(inside.every(Number.isFinite), `a point inside the area: ${inside}`);
  assertNoProblems(admin);

  // A working-hours template: every day, so the journey books whatever day it runs.
  await admin.goto(`${portal.url}/staff/working-hours`);
  await admin.getByRole('link', { name: 'New template' }).click();
  await admin.getByLabel('Name', { exact: true }).fill('Every day 7–19');
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
    await admin.getByLabel(day, { exact: true }).fill('07:00-12:00, 12:30-19:00');
  }
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.getByText('Template created.').waitFor();

  // The technician: home base inside the territory (typed into the map picker's coordinate
  // fields), the template, the skill at a rating the service type accepts, the territory.
  await admin.goto(`${portal.url}/staff/technicians`);
  await admin.getByRole('navigation', { name: 'Workforce sections' }).getByRole('link', { name: 'New technician' }).click();
  await admin.getByLabel('Name', { exact: true }).fill(TECHNICIAN);
  await admin.getByLabel('Latitude').fill(String(inside[0]));
  await admin.getByLabel('Longitude').fill(String(inside[1]));
  await admin.getByLabel('Time zone of their working hours').selectOption(ZONE);
  await admin.getByLabel('Working hours', { exact: true }).selectOption({ label: 'Every day 7–19' });
  await admin.getByRole('group', { name: 'Territories they serve' }).getByLabel('Downtown').check();
  await admin.getByRole('group', { name: 'Skills, each with its rating' }).getByLabel('Refrigeration').selectOption('4');
  await admin.getByRole('button', { name: 'Create the technician' }).click();
  await admin.getByRole('heading', { level: 1, name: TECHNICIAN }).waitFor();
  await admin.getByText('Technician created.').waitFor();
  const technicianPage = admin.url();
  assert.match(await admin.locator('main').innerText(), /0 booked visits ahead/);
  await screenshot(admin, 'empty-start-technician');
  assertNoProblems(admin);

  // The customer's account, at an address inside the territory, and its contact.
  await admin.goto(`${portal.url}/staff/accounts/new`);
  await admin.getByLabel('Name', { exact: true }).fill(ACCOUNT);
  await admin.getByLabel('Street address').fill('12 Quay Street');
  await admin.getByLabel('City').fill('Downtown');
  await admin.getByLabel(/^Country/).fill('CA');
  await admin.getByLabel('Latitude').fill(String(inside[0]));
  await admin.getByLabel('Longitude').fill(String(inside[1]));
  await admin.getByLabel('Time zone', { exact: true }).selectOption(ZONE);
  await admin.getByRole('button', { name: 'Create the account' }).click();
  await admin.getByRole('heading', { level: 1, name: ACCOUNT }).waitFor();
  await admin.getByText('Account created.').waitFor();
  await admin.getByText('Territory: Downtown').waitFor();
  await admin.getByRole('link', { name: 'New contact' }).click();
  await admin.getByLabel('First name').fill('Cara');
  await admin.getByLabel('Last name').fill('Cole');
  await admin.getByLabel('Email', { exact: true }).fill(CUSTOMER.email);
  await admin.getByLabel('Self-scheduling').check();
  await admin.getByRole('button', { name: 'Create the contact' }).click();
  await admin.getByText('Contact created.').waitFor();

  // Invite the contact; the code comes by email, as delivered.
  await admin.getByRole('button', { name: 'Invite Cara Cole' }).click();
  await admin.getByRole('heading', { level: 1, name: 'Invitation created' }).waitFor();
  const invitation = await smtp.waitForMessage({ to: CUSTOMER.email, subject: /invit/i });
  const code = /Your invitation code: (\S+)/.exec(invitation.text)?.[1];
  assert.ok(code, `a code in:\n${invitation.text}`);
  const redeemLink = /(http:\/\/\S+\/redeem)\b/.exec(invitation.text)?.[1];
  assert.ok(redeemLink, `a link to redeem in:\n${invitation.text}`);
  assertNoProblems(admin);

  // The customer redeems it, and books a visit.
  const customer = await portal.newPage({ locale: 'en-US' });
  await customer.goto(redeemLink);
  await customer.getByLabel('Invitation code').fill(code);
  await customer.getByRole('button', { name: 'Continue' }).click();
  assert.equal(await customer.getByLabel('Email').inputValue(), CUSTOMER.email);
  await customer.getByLabel('New password', { exact: true }).fill(CUSTOMER.password);
  await customer.getByLabel('Confirm the new password').fill(CUSTOMER.password);
  await customer.getByRole('button', { name: 'Create my account' }).click();
  await customer.getByRole('heading', { level: 1, name: 'Create your profile' }).waitFor();
  await customer.getByRole('button', { name: 'Save and continue' }).click();
  await customer.getByRole('heading', { level: 1, name: /^Welcome, / }).waitFor();
  await customer.getByRole('link', { name: 'Book a new appointment' }).click();
  await customer.getByRole('heading', { level: 1, name: 'Book a new appointment' }).waitFor();
  const options = await customer.getByLabel('Service type').locator('option').allTextContents();
  const label = options.find((o) => o.startsWith('Walk-in cooler maintenance'));
  assert.ok(label, `the new service type is offered: ${options.join(', ')}`);
  await customer.getByLabel('Service type').selectOption({ label });
  await customer.getByRole('heading', { name: 'Choose a day' }).waitFor();
  const day = customer.locator('.day-picker button[name="date"]:not([disabled])').first();
  await day.waitFor();
  const date = await day.getAttribute('value');
  await day.click();
  await customer.getByRole('heading', { name: /^Available times on / }).waitFor();
  await customer.locator('#slots input[name="slot"]').first().check();
  await customer.getByRole('button', { name: 'Book', exact: true }).click();
  await customer.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();
  const workOrder = (await customer.locator('dt:text-is("Work order") + dd').innerText()).trim();
  await smtp.waitForMessage({ to: CUSTOMER.email, subject: /^Your visit is booked/ });
  assertNoProblems(customer);

  // It went to the technician: their page counts it.
  await admin.goto(technicianPage);
  assert.match(await admin.locator('main').innerText(), /1 booked visit ahead/);

  // Time off over the visit's whole day: the only technician can no longer come, nobody else
  // can, so the visit waits for a new time and the customer is asked to choose one.
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  await admin.locator('#starts_at').fill(`${date}T00:00`);
  await admin.locator('#ends_at').fill(`${next.toISOString().slice(0, 10)}T00:00`);
  await admin.getByLabel('Reason').fill('Training day');
  await admin.getByRole('button', { name: 'Add the time off' }).click();
  await admin.getByText('Time off added.').waitFor();
  const report = admin.getByRole('status').filter({ has: admin.getByRole('heading', { name: 'Booked visits' }) });
  await report.getByText('1 booked visit affected: 0 moved to another technician, 1 waiting for a new time.').waitFor();
  // The visit at its own local time, as the customer booked it (the administrator's profile
  // has no time zone).
  assert.match(await report.innerText(), new RegExp(`\\((EST|EDT)\\) — ${ACCOUNT}, Walk-in cooler maintenance: nobody else is free then\\. The customer was asked by email to pick a new time`));
  await screenshot(admin, 'empty-start-time-off');
  const asked = await smtp.waitForMessage({ to: CUSTOMER.email, subject: /^Please choose a new time for your visit/ });
  assert.ok(asked.text.includes('no other technician is free then'), asked.text);
  assertNoProblems(admin);

  // The customer sees it too, and chooses a new time: the day off is no longer offered.
  await customer.goto(`${portal.url}/`);
  const card = customer.locator('article.visit').filter({ hasText: workOrder });
  await card.getByText('We need a new time for this visit').waitFor();
  assert.match(await card.innerText(), new RegExp(`Technician\\s+${TECHNICIAN}`));
  await card.getByRole('link', { name: /^Choose a new time/ }).click();
  const newDay = customer.locator('.day-picker button[name="date"]:not([disabled])').first();
  await newDay.waitFor();
  assert.notEqual(await newDay.getAttribute('value'), date, 'the technician is off that day');
  await newDay.click();
  await customer.getByRole('heading', { name: /^Available times on / }).waitFor();
  await customer.locator('#slots input[name="slot"]').first().check();
  await customer.getByRole('button', { name: 'Save the new time' }).click();
  await customer.getByText('Your appointment has a new time.').waitFor();
  assert.equal(await customer.getByText('We need a new time for this visit').count(), 0, 'no longer waiting');
  assertNoProblems(customer);
  await admin.goto(technicianPage);
  assert.match(await admin.locator('main').innerText(), /1 booked visit ahead/);
});

/** No console errors or CSP violations; map tiles come from the internet, which this machine
 * may not reach: not the page's fault. */
function assertNoProblems(page) {
  const problems = page.problems.filter((p) => !/Failed to load resource/.test(p));
  assert.deepEqual(problems, [], 'no console errors or CSP violations');
}

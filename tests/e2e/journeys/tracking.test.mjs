// Track my technician, end to end with two people in two browser contexts against the real
// binary and the demo city. The demo customer's visit of today is the first of the demo
// technician (technician@demo.test, Karim Haddad: the demo pins it to him), so the journey
// signs in as both, without booking anything:
//
// - the technician opens My day, makes a tracking-app token on the setup page the day links to,
//   and starts travel to the customer (the card swaps in place);
// - positions arrive the way the OwnTracks app sends them (HTTP mode JSON, the token as the
//   Basic password);
// - the customer's homepage shows the visit as the Active appointment with View Live Map; on
//   the live map the technician's marker moves and the arrival estimate changes without a
//   reload (server-sent events);
// - Start work: the live map says the visit is under way and drops the marker; the homepage
//   shows it In Progress under Upcoming appointments with Modify disabled;
// - Complete (with a note): the visit is under Past appointments with Send Feedback;
// - the customer sends feedback: Send Feedback is gone, and the demo dispatcher sees the
//   response, and in the mailbox the customer's "on the way" and "completed" emails.
//
// A second test opens My day on a phone that lets the page read its position: starting travel
// to the next visit makes the page's own script post that position (POST /technician/position).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenshot, startPortal } from '../support/app.mjs';
import { readMessage, signIn } from '../support/identity.mjs';

const TECHNICIAN = { email: 'technician@demo.test', password: 'demo-password' };
const CUSTOMER = { email: 'customer@demo.test', password: 'demo-password' };
const DISPATCHER = { email: 'dispatcher@demo.test', password: 'demo-password' };
/** The demo customer's account, as the technician's day names it. */
const CUSTOMER_ACCOUNT = 'Boulangerie Fabre';
/** Two points on the way to 4325 Rue Fabre: in Saint-Henri, then a few streets away. */
const FAR = { lat: 45.4775, lon: -73.5850 };
const NEAR = { lat: 45.5290, lon: -73.5790 };
const COMMENT = 'Quick, tidy and the shop is cool again';

let portal;

before(async () => {
  portal = await startPortal({ serveArgs: ['--demo'] });
});

after(async () => {
  await portal?.stop();
});

/** What the page reported that a journey must not see: exceptions and CSP violations. Map
 *  tiles from the internet may fail to load on an offline machine: that is not the page's
 *  fault (markers and the estimate show without them). */
function problems(page) {
  return page.problems.filter((p) => !/Failed to load resource/.test(p));
}

/** Posts a position the way OwnTracks does (HTTP mode): JSON, the token as Basic password,
 *  `tst` in whole seconds. Positions taken before travel started are not shown, and each one
 *  must be newer than the last: callers leave a second between them. */
async function ownTracks(token, { lat, lon }) {
  const response = await fetch(`${portal.url}/track/owntracks`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Basic ${Buffer.from(`karim:${token}`).toString('base64')}`,
      'X-Limit-U': 'karim',
      'X-Limit-D': 'phone',
    },
    body: JSON.stringify({
      _type: 'location',
      lat,
      lon,
      tst: Math.floor(Date.now() / 1000),
      acc: 12,
      vel: 30,
      tid: 'KH',
    }),
  });
  const body = await response.text();
  assert.equal(response.status, 200, `OwnTracks post answered ${response.status}: ${body}`);
  assert.deepEqual(JSON.parse(body), []);
}

test('the technician sets out and the customer follows, then rates the visit', { timeout: 300_000 }, async () => {
  const technician = await portal.newPage({ locale: 'en-US' });
  const customer = await portal.newPage({ locale: 'en-US' });
  await signIn(technician, portal.url, TECHNICIAN);
  await signIn(customer, portal.url, CUSTOMER);

  // The technician's day: the customer's visit, Scheduled, with Start travel.
  await technician.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'My day' }).click();
  await technician.getByRole('heading', { level: 1, name: 'My day' }).waitFor();
  const card = technician.locator('.technician-visit').filter({ hasText: CUSTOMER_ACCOUNT });
  await card.getByText('Scheduled', { exact: true }).waitFor();
  const workOrder = (await card.innerText()).match(/WO-\d+/)?.[0];
  assert.ok(workOrder, 'the card names the work order');

  // A tracking app's token, from the setup page My day links to.
  await technician.getByRole('link', { name: 'Share your position with a tracking app instead' }).click();
  await technician.getByRole('button', { name: 'Create a token' }).click();
  const token = (await technician.getByTestId('tracking-token').inputValue()).trim();
  assert.ok(token.length >= 20, 'a token is shown once');
  await technician.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'My day' }).click();

  // Before travel: the customer's visit is Upcoming, with Modify.
  await customer.goto(`${portal.url}/`);
  await customer.getByRole('heading', { level: 2, name: 'Upcoming appointments' }).waitFor();
  assert.equal(await customer.getByRole('heading', { level: 2, name: 'Active appointment' }).count(), 0);

  // Start travel: the card swaps in place (no reload) and offers Start work.
  await technician.evaluate(() => { window.onsiteJourneyMarker = 'still here'; });
  await card.getByRole('button', { name: 'Start travel' }).click();
  await card.getByText('Traveling', { exact: true }).waitFor();
  await card.getByRole('button', { name: 'Start work' }).waitFor();
  assert.equal(await technician.evaluate(() => window.onsiteJourneyMarker), 'still here', 'no page reload');
  await screenshot(technician, 'technician-day-traveling');

  // The customer: the Active appointment, with View Live Map.
  await customer.goto(`${portal.url}/`);
  const active = customer.locator('section.active-appointment');
  await active.getByRole('heading', { level: 2, name: 'Active appointment' }).waitFor();
  await active.getByText('Karim Haddad is on the way.').waitFor();
  await active.getByRole('link', { name: 'View Live Map' }).click();
  await customer.getByRole('heading', { level: 1, name: 'Live map' }).waitFor();
  const canvas = customer.locator('#live-map-canvas');
  const eta = customer.getByTestId('live-eta');
  await eta.getByText("Waiting for the technician's position").waitFor();
  // The live page listens (server-sent events) from the moment it opens.
  await customer.waitForTimeout(1000);

  // The phone's tracking app sends where the technician is: it appears on the map.
  await ownTracks(token, FAR);
  await customer.waitForFunction(
    ({ lat }) => document.getElementById('live-map-canvas')?.dataset.technicianLat === String(lat),
    FAR,
  );
  const farEta = (await eta.innerText()).trim();
  assert.match(farEta, /\d+ min/, `an arrival estimate: ${farEta}`);
  await customer.evaluate(() => { window.onsiteJourneyMarker = 'still here'; });

  // A new position: the marker moves and the estimate changes, pushed (no reload).
  await customer.waitForTimeout(1100);
  await ownTracks(token, NEAR);
  await customer.waitForFunction(
    ({ lat }) => document.getElementById('live-map-canvas')?.dataset.technicianLat === String(lat),
    NEAR,
    { timeout: 15_000 },
  );
  assert.equal(await canvas.getAttribute('data-technician-lon'), String(NEAR.lon));
  await customer.waitForFunction((before) => document.getElementById('live-eta')?.textContent.trim() !== before, farEta);
  const nearEta = (await eta.innerText()).trim();
  assert.notEqual(nearEta, farEta, 'the estimate changed');
  assert.equal(await customer.evaluate(() => window.onsiteJourneyMarker), 'still here', 'no page reload');
  assert.equal(await customer.locator('.live-technician').count(), 1, 'the technician is on the map');
  // The marker's tooltip names the technician, as text (never parsed as HTML).
  await customer.locator('.live-technician').hover();
  const tooltip = customer.locator('.leaflet-tooltip');
  await tooltip.waitFor();
  assert.equal(await tooltip.locator('span').count(), 1, 'the name is a text node in its own span');
  assert.ok((await tooltip.innerText()).trim().length > 0, 'the tooltip names the technician');
  await screenshot(customer, 'live-map');

  // Start work: the live map drops the technician and says the visit is under way.
  await card.getByRole('button', { name: 'Start work' }).click();
  await card.getByText('In Progress', { exact: true }).waitFor();
  await customer.waitForFunction(() => document.getElementById('live')?.dataset.state === 'in_progress', null, { timeout: 15_000 });
  assert.equal(await customer.locator('.live-technician').count(), 0, 'the position is gone');
  assert.ok(await customer.locator('#live-state').isVisible());

  // The homepage: no Active appointment; In Progress under Upcoming, Modify disabled.
  await customer.goto(`${portal.url}/`);
  await customer.getByRole('heading', { level: 2, name: 'Upcoming appointments' }).waitFor();
  assert.equal(await customer.getByRole('heading', { level: 2, name: 'Active appointment' }).count(), 0);
  const started = customer.locator('article.visit-in_progress').filter({ hasText: workOrder });
  await started.getByText('In Progress', { exact: true }).waitFor();
  const modify = started.getByRole('button', { name: 'Modify' });
  assert.ok(await modify.isDisabled(), 'Modify is disabled while the work is under way');
  assert.equal(await started.getByRole('link', { name: 'View Live Map' }).count(), 0);

  // Complete, with a note.
  await card.getByLabel('Note (optional)').fill('Capacitor replaced, unit cooling again');
  await card.getByRole('button', { name: 'Complete' }).click();
  await card.getByText('Completed', { exact: true }).waitFor();
  assert.equal(await card.getByRole('button').count(), 0, 'nothing more to do on this visit');

  // The customer: under Past appointments, with Send Feedback.
  await customer.goto(`${portal.url}/?tab=past`);
  await customer.getByRole('heading', { level: 2, name: 'Past appointments' }).waitFor();
  const done = customer.locator('article.visit-completed').filter({ hasText: workOrder });
  await done.getByText('Completed', { exact: true }).waitFor();
  await done.getByText('Air conditioning repair').waitFor();
  const waiting = await customer.getByRole('link', { name: 'Send Feedback' }).count();

  // Send Feedback: a rating, the demo survey's questions and a comment; afterwards the button
  // is gone.
  await done.getByRole('link', { name: 'Send Feedback' }).click();
  await customer.getByRole('heading', { level: 1, name: 'Send Feedback' }).waitFor();
  await customer.getByRole('group', { name: /Your overall rating/ }).getByLabel('5 out of 5').check();
  await customer.getByRole('group', { name: /Was the technician on time/ }).getByLabel('Yes').check();
  await customer.getByRole('group', { name: /communication/ }).getByLabel('4 out of 5').check();
  await customer.getByLabel(/^Comment/).fill(COMMENT);
  await customer.getByRole('button', { name: 'Send Feedback' }).click();
  // Back on Past appointments, with the thanks.
  await customer.getByText('Thank you: your feedback is sent.').waitFor();
  await customer.getByRole('heading', { level: 2, name: 'Past appointments' }).waitFor();
  await done.getByText('Completed', { exact: true }).waitFor();
  assert.equal(await done.getByRole('link', { name: 'Send Feedback' }).count(), 0, 'Send Feedback is gone');
  assert.equal(await customer.getByRole('link', { name: 'Send Feedback' }).count(), waiting - 1, 'only for this visit');

  // Staff see the response.
  const dispatcher = await portal.newPage({ locale: 'en-US' });
  await signIn(dispatcher, portal.url, DISPATCHER);
  await dispatcher.goto(`${portal.url}/staff/feedback`);
  await dispatcher.getByRole('heading', { level: 1, name: /./ }).first().waitFor();
  const response = dispatcher.locator('table.responses tbody tr').filter({ hasText: COMMENT });
  assert.equal(await response.count(), 1, 'the dispatcher sees the response');
  assert.match(await response.innerText(), /Karim Haddad/);
  await screenshot(dispatcher, 'staff-feedback');

  // The customer's two emails, in the staff mailbox: on the way (arrival, live map), completed
  // (feedback link).
  await dispatcher.goto(`${portal.url}/staff/mailbox`);
  const onTheWay = await readMessage(dispatcher, { recipient: CUSTOMER.email, subject: /Karim is on the way/ });
  assert.match(onTheWay.text, /Estimated arrival: \d/);
  assert.match(onTheWay.text, /\/bookings\/\d+\/live/);
  await dispatcher.goto(`${portal.url}/staff/mailbox`);
  const completed = await readMessage(dispatcher, { recipient: CUSTOMER.email, subject: /Your visit is completed/ });
  assert.match(completed.text, /\/bookings\/\d+\/feedback/);

  assert.deepEqual(problems(technician), [], 'the technician page reported no problems');
  assert.deepEqual(problems(customer), [], 'the customer pages reported no problems');
});

test("the technician page shares the phone's position while a visit is Traveling", { timeout: 120_000 }, async () => {
  const phone = await portal.newPage({
    locale: 'en-US',
    permissions: ['geolocation'],
    geolocation: { latitude: 45.5200, longitude: -73.5800, accuracy: 15 },
  });
  const sent = [];
  phone.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/technician/position')) sent.push(JSON.parse(r.postData()));
  });
  await signIn(phone, portal.url, TECHNICIAN);
  await phone.goto(`${portal.url}/technician`);
  const sharing = phone.locator('#location-sharing');
  assert.ok(await sharing.isHidden(), 'nothing is shared while no visit is Traveling');
  // The next visit of the day (the first one is completed by the journey above).
  const id = await phone.locator('.technician-visit')
    .filter({ has: phone.getByRole('button', { name: 'Start travel' }) }).first().getAttribute('id');
  const next = phone.locator(`#${id}`);
  await next.getByRole('button', { name: 'Start travel' }).click();
  await next.getByText('Traveling', { exact: true }).waitFor();
  // The page's script sends the phone's position, and says so.
  await sharing.getByText('Position shared at').waitFor();
  assert.ok(sent.length >= 1, 'a position was posted');
  assert.equal(sent[0].latitude, 45.52);
  assert.equal(sent[0].longitude, -73.58);
  assert.equal(sent[0].accuracy_m, 15);
  assert.ok(Number.isInteger(sent[0].recorded_at));
  assert.deepEqual(problems(phone), []);
});

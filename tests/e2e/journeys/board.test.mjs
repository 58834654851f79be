// The dispatchers' schedule board, end to end against the real binary and the demo city: two
// dispatchers (two browser contexts) open today's board; the first opens the demo customer's
// visit (its details load in place) and starts travel; the second's board shows the visit
// Traveling without reloading (server-sent events, then the board's body fetched again). The
// week view and the filters load, and no page reports an error or a CSP violation. The demo
// dispatcher reads French (their profile's language): the board speaks it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenshot, startPortal } from '../support/app.mjs';
import { signIn } from '../support/identity.mjs';

const DISPATCHER = { email: 'dispatcher@demo.test', password: 'demo-password' };
/** The demo customer's account: its visit of today is Karim Haddad's first. */
const CUSTOMER_ACCOUNT = 'Boulangerie Fabre';

let portal;

before(async () => {
  portal = await startPortal({ serveArgs: ['--demo'] });
});

after(async () => {
  await portal?.stop();
});

function problems(page) {
  return page.problems.filter((p) => !/Failed to load resource/.test(p));
}

test('a state change on one dispatcher’s board shows on another’s without reloading', { timeout: 180_000 }, async () => {
  const first = await portal.newPage({ locale: 'en-US' });
  const second = await portal.newPage({ locale: 'en-US' });
  await signIn(first, portal.url, DISPATCHER);
  await signIn(second, portal.url, DISPATCHER);

  for (const page of [first, second]) {
    await page.goto(`${portal.url}/staff/visits`);
    await page.getByRole('heading', { level: 1, name: 'Interventions' }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'À traiter' }).waitFor();
  }
  const block = (page) => page.locator('.board-day .block').filter({ hasText: CUSTOMER_ACCOUNT }).first();
  await block(second).getByText('Planifié', { exact: true }).waitFor();
  // The second board listens from the moment it opens.
  await second.waitForFunction(() => document.querySelector('.schedule-board')?.dataset.live === 'on');
  await second.evaluate(() => { window.onsiteJourneyMarker = 'still here'; });
  await screenshot(second, 'board-day');

  // The first dispatcher opens the visit: its details and buttons load in place.
  await block(first).click();
  const detail = first.locator('#visit-detail');
  await detail.getByRole('link', { name: 'Déplacer…' }).waitFor();
  await detail.getByRole('button', { name: /^Partir/ }).click();
  await first.getByText('L’intervention est mise à jour.').waitFor();
  await first.locator('#visit-detail').getByText('En route', { exact: true }).waitFor();

  // The second board follows, without a reload.
  await block(second).getByText('En route', { exact: true }).waitFor({ timeout: 15_000 });
  assert.equal(await second.evaluate(() => window.onsiteJourneyMarker), 'still here', 'no page reload');

  // The week view and a filter load.
  await second.getByRole('link', { name: 'Semaine', exact: true }).click();
  await second.locator('table.board-week').waitFor();
  await second.getByLabel('Technicien', { exact: true }).selectOption({ label: 'Karim Haddad' });
  await second.getByRole('button', { name: 'Afficher' }).click();
  await second.locator('table.board-week tbody tr').first().waitFor();
  assert.equal(await second.locator('table.board-week tbody tr').count(), 1);
  await screenshot(second, 'board-week');

  assert.deepEqual(problems(first), []);
  assert.deepEqual(problems(second), []);
});

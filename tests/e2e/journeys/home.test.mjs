// The first journey: a visitor lands on the portal, reads it in their browser's language,
// switches language with the switcher, and the choice sticks.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { screenshot, startPortal } from '../support/app.mjs';

let portal;

before(async () => {
  portal = await startPortal();
});

after(async () => {
  await portal?.stop();
});

test('the home page speaks English to an English browser', { timeout: 60_000 }, async () => {
  const page = await portal.newPage({ locale: 'en-US' });
  await page.goto(`${portal.url}/`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.title(), 'Your service visits · Onsite');
  await page.getByRole('heading', { level: 1, name: 'Your service visits, in your hands' }).waitFor();
  await page.getByRole('heading', { name: 'Book a new appointment' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).waitFor();

  // A keyboard user's first Tab reaches the skip link, which leads to the main content.
  await page.keyboard.press('Tab');
  const focused = page.locator(':focus');
  assert.equal(await focused.textContent(), 'Skip to main content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');

  assert.deepEqual(page.problems, [], 'no console errors or CSP violations');
});

test('the home page speaks French to a French browser', { timeout: 60_000 }, async () => {
  const page = await portal.newPage({ locale: 'fr-FR' });
  await page.goto(`${portal.url}/`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  await page.getByRole('heading', { level: 1, name: 'Vos interventions, entre vos mains' }).waitFor();
  await page.getByRole('heading', { name: 'Prendre un nouveau rendez-vous' }).waitFor();
  await page.getByRole('link', { name: 'Se connecter' }).first().waitFor();
  assert.deepEqual(page.problems, [], 'no console errors or CSP violations');
});

test('the language switcher changes the language, and it sticks', { timeout: 60_000 }, async () => {
  const page = await portal.newPage({ locale: 'en-US' });
  await page.goto(`${portal.url}/`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');

  await page.getByLabel('Language').selectOption({ label: 'Français' });
  await Promise.all([page.waitForURL(`${portal.url}/`), page.getByRole('button', { name: 'Change language' }).click()]);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  await page.getByRole('heading', { level: 1, name: 'Vos interventions, entre vos mains' }).waitFor();
  assert.equal(await page.getByLabel('Langue').inputValue(), 'fr');

  // The browser still prefers English, but the choice is remembered.
  await page.reload();
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  await page.getByRole('button', { name: 'Changer de langue' }).waitFor();

  const file = await screenshot(page, 'home-fr');
  assert.ok(existsSync(file), `screenshot saved at ${file}`);
  assert.deepEqual(page.problems, [], 'no console errors or CSP violations');
});

test('a missing page is a friendly page in the chosen language', { timeout: 60_000 }, async () => {
  const page = await portal.newPage({ locale: 'fr-FR' });
  const response = await page.goto(`${portal.url}/cette-page-n-existe-pas`);
  assert.equal(response.status(), 404);
  await page.getByRole('heading', { level: 1, name: 'Page introuvable' }).waitFor();
  const requestId = response.headers()['x-request-id'];
  assert.ok(requestId, 'the response carries a request id');
  assert.equal((await page.locator('.request-id').textContent()).trim(), requestId);
  await page.getByRole('link', { name: 'Aller à la page d’accueil' }).click();
  await page.getByRole('heading', { level: 1, name: 'Vos interventions, entre vos mains' }).waitFor();
});

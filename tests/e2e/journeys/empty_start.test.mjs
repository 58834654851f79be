// From an empty database to a first customer booking online, in a real browser against the real
// binary without the demo (issue 14's acceptance journey, docs/backoffice.md): the first
// administrator is made from the command line, signs in through the link it prints, and sets
// up the company through the back office alone — scheduling settings, a skill and a service
// type — then the rest of the company as the later steps of this file say.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { freshDataDir, onsiteBinary, screenshot, startPortal } from '../support/app.mjs';
import { signIn } from '../support/identity.mjs';
import { startSmtpSink } from '../support/mail.mjs';

const ADMIN = { email: 'bea@frost-and-flame.test', password: 'a cold room in summer' };

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

  // Map tiles come from the internet, which this machine may not reach: not the page's fault.
  const problems = admin.problems.filter((p) => !/Failed to load resource/.test(p));
  assert.deepEqual(problems, [], 'no console errors or CSP violations');
});

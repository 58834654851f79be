// Identity, end to end in a real browser against the real binary with the demo city, which
// sends its email to a real SMTP server started here: a dispatcher invites a contact from the
// staff pages, the invitation email appears in the mailbox with its code hidden, the contact
// receives it by email and redeems the code, chooses a password, fills their profile, signs out
// and in again, forgets the password, and resets it through the link they received (which the
// dispatcher, in a second browser, cannot read in the mailbox), then signs in with the new one.
//
// The dispatcher of the demo, Louise Gendron, works in French (her profile says so), so her
// part of the journey reads the French labels; the invited contact browses in English.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { screenshot, startPortal } from '../support/app.mjs';
import { readMessage, signIn } from '../support/identity.mjs';
import { startSmtpSink } from '../support/mail.mjs';

const DISPATCHER = { email: 'dispatcher@demo.test', password: 'demo-password' };
// A contact of the demo customer's account (Boulangerie Fabre) without a portal account.
const CONTACT = { name: 'Service Comptabilité', email: 'comptabilite@boulangerie-fabre.example' };
const FIRST_PASSWORD = 'flour and water every morning';
const NEW_PASSWORD = 'croissants before sunrise please';

// What the French-speaking dispatcher sees in place of a reset link's token or a code.
const HIDDEN = '[masqué : secret à usage unique réservé au destinataire]';

let smtp;
let portal;

before(async () => {
  smtp = await startSmtpSink();
  portal = await startPortal({ serveArgs: ['--demo'], env: smtp.serverEnv });
});

after(async () => {
  await portal?.stop();
  await smtp?.stop();
});

test('the sign-in page, in English and in French', { timeout: 60_000 }, async () => {
  for (const [locale, lang, tabs, tab] of [
    ['en-US', 'en', 'Sign in or redeem an invitation', 'Redeem invitation'],
    ['fr-CA', 'fr', 'Se connecter ou accepter une invitation', 'Accepter l’invitation'],
  ]) {
    const page = await portal.newPage({ locale });
    await page.goto(`${portal.url}/sign-in`);
    assert.equal(await page.locator('html').getAttribute('lang'), lang);
    await page.getByRole('navigation', { name: tabs }).getByRole('link', { name: tab }).waitFor();
    const file = await screenshot(page, `sign-in-${lang}`);
    assert.ok(existsSync(file), `screenshot saved at ${file}`);
    assert.deepEqual(page.problems, [], 'no console errors or CSP violations');
  }
});

test('invited, redeemed, signed in again, password forgotten and reset', { timeout: 240_000 }, async () => {
  // The dispatcher invites the contact.
  const staff = await portal.newPage({ locale: 'fr-CA' });
  await signIn(staff, portal.url, DISPATCHER, { email: 'Adresse e-mail', password: 'Mot de passe', button: 'Se connecter' });
  await staff.getByRole('heading', { level: 1, name: 'Bienvenue, Louise Gendron' }).waitFor();
  await staff.getByRole('navigation', { name: 'Rubriques' }).getByRole('link', { name: 'Clients', exact: true }).click();
  await staff.getByLabel('Rechercher par compte, nom ou e-mail').fill('Boulangerie Fabre');
  await staff.getByRole('button', { name: 'Rechercher' }).click();
  await staff.getByRole('heading', { level: 2, name: 'Boulangerie Fabre' }).waitFor();
  const row = staff.getByRole('row', { name: new RegExp(CONTACT.name) });
  assert.match(await row.innerText(), /Pas d’invitation/);
  await staff.getByRole('button', { name: `Inviter ${CONTACT.name}` }).click();
  await staff.getByRole('heading', { level: 1, name: 'Invitation créée' }).waitFor();
  const shownCode = (await staff.locator('code.invitation-code').innerText()).trim();
  assert.match(shownCode, /^[0-9A-Z]{5}(-[0-9A-Z]{1,5}){5}$/);

  // The invitation email is in the mailbox, its code hidden there.
  await staff.getByRole('link', { name: 'Voir l’e-mail d’invitation dans la boîte aux lettres' }).click();
  const invitation = await readMessage(staff, { recipient: CONTACT.email, subject: /invit/i });
  assert.ok(invitation.text.includes(`Your invitation code: ${HIDDEN}`), `the code hidden in:\n${invitation.text}`);
  assert.ok(!invitation.text.includes(shownCode), 'the mailbox does not show the code');
  const frame = staff.locator('iframe.message-html');
  assert.equal(await frame.getAttribute('sandbox'), '', 'the HTML runs nothing');
  await frame.scrollIntoViewIfNeeded();
  await staff.frameLocator('iframe.message-html').getByText(HIDDEN).waitFor();
  assert.ok(!(await staff.frameLocator('iframe.message-html').locator('body').innerText()).includes(shownCode));

  // The contact receives it, with the same code.
  const received = await smtp.waitForMessage({ to: CONTACT.email, subject: /invit/i });
  const code = /Your invitation code: (\S+)/.exec(received.text)?.[1];
  assert.equal(code, shownCode, 'the emailed code is the one shown to staff');
  assert.ok(received.html.includes(code), 'and in the HTML part');
  const redeemLink = /(http:\/\/\S+\/redeem)\b/.exec(received.text)?.[1];
  assert.ok(redeemLink, `a link to redeem in:\n${received.text}`);
  await staff.getByRole('button', { name: 'Se déconnecter' }).click();
  await staff.getByText('Vous êtes déconnecté.').waitFor();
  assert.deepEqual(staff.problems, [], 'no console errors or CSP violations for staff');

  // The contact redeems the code from the link in the email.
  const contact = await portal.newPage({ locale: 'en-US' });
  await contact.goto(redeemLink);
  const redeemTab = contact.getByRole('navigation', { name: 'Sign in or redeem an invitation' }).getByRole('link', { name: 'Redeem invitation' });
  assert.equal(await redeemTab.getAttribute('aria-current'), 'page', 'the link opens the Redeem invitation tab');
  await contact.getByLabel('Invitation code').fill(code.toLowerCase().replaceAll('-', ' '));
  await contact.getByRole('button', { name: 'Continue' }).click();
  assert.equal(await contact.getByLabel('Email').inputValue(), CONTACT.email);
  await contact.getByLabel('New password', { exact: true }).fill(FIRST_PASSWORD);
  await contact.getByLabel('Confirm the new password').fill(FIRST_PASSWORD);
  await contact.getByRole('button', { name: 'Create my account' }).click();

  // First sign-in: the profile, all optional.
  await contact.getByRole('heading', { level: 1, name: 'Create your profile' }).waitFor();
  assert.equal(await contact.getByLabel('Name').inputValue(), CONTACT.name);
  await contact.getByLabel('Name').fill('Sophie at Boulangerie Fabre');
  await contact.getByLabel('Phone').fill('+1 514 555 0123');
  await contact.getByLabel('Preferred language').selectOption({ label: 'English' });
  await contact.getByLabel('Time zone').selectOption('America/Toronto');
  await contact.getByRole('button', { name: 'Save and continue' }).click();
  await contact.getByRole('heading', { level: 1, name: 'Welcome, Sophie at Boulangerie Fabre' }).waitFor();
  await contact.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Profile' }).click();
  assert.equal(await contact.getByLabel('Phone').inputValue(), '+1 514 555 0123');

  // Sign out, and in again.
  await contact.getByRole('button', { name: 'Sign out' }).click();
  await contact.getByText('You are signed out.').waitFor();
  await signIn(contact, portal.url, { email: CONTACT.email, password: FIRST_PASSWORD });
  await contact.getByRole('heading', { level: 1, name: 'Welcome, Sophie at Boulangerie Fabre' }).waitFor();
  await contact.getByRole('button', { name: 'Sign out' }).click();

  // Forgot password: the same answer whoever asks.
  await contact.goto(`${portal.url}/sign-in`);
  await contact.getByRole('link', { name: 'Forgot password?' }).click();
  await contact.getByLabel('Email').fill(CONTACT.email);
  await contact.getByRole('button', { name: 'Send the link' }).click();
  await contact.getByText('If an account uses this address, we have sent it a link').waitFor();

  // The contact receives the link.
  const reset = await smtp.waitForMessage({ to: CONTACT.email, subject: /password/i });
  const resetLink = /(http:\/\/\S+\/reset-password\/[0-9a-f]{64})/.exec(reset.text)?.[1];
  assert.ok(resetLink, `a reset link in:\n${reset.text}`);

  // The dispatcher, in another browser, finds the reset email in the mailbox, without the link.
  const staffAgain = await portal.newPage({ locale: 'fr-CA' });
  await signIn(staffAgain, portal.url, DISPATCHER, { email: 'Adresse e-mail', password: 'Mot de passe', button: 'Se connecter' });
  await staffAgain.getByRole('navigation', { name: 'Rubriques' }).getByRole('link', { name: 'Boîte aux lettres' }).click();
  await staffAgain.getByLabel('Destinataire').fill(CONTACT.email);
  await staffAgain.getByRole('button', { name: 'Filtrer' }).click();
  const stored = await readMessage(staffAgain, { recipient: CONTACT.email, subject: /password/i });
  assert.ok(stored.text.includes(`/reset-password/${HIDDEN}`), `the token hidden in:\n${stored.text}`);
  assert.ok(!stored.text.includes(resetLink), 'the mailbox does not show the link');
  await staffAgain.getByText('Il a été remis au serveur de messagerie du destinataire et n’a pas été conservé.').waitFor();
  assert.ok(existsSync(await screenshot(staffAgain, 'mailbox-reset-hidden-fr')));
  assert.deepEqual(staffAgain.problems, [], 'no console errors or CSP violations for staff');

  // The contact follows the link and chooses a new password; then only it works.
  await contact.goto(resetLink);
  await contact.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
  await contact.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await contact.getByLabel('Confirm the new password').fill(NEW_PASSWORD);
  await contact.getByRole('button', { name: 'Save the new password' }).click();
  await contact.getByText('Your password is changed. Sign in with the new one.').waitFor();
  await signIn(contact, portal.url, { email: CONTACT.email, password: FIRST_PASSWORD });
  await contact.getByText('The email address or the password is not right.').first().waitFor();
  await signIn(contact, portal.url, { email: CONTACT.email, password: NEW_PASSWORD });
  await contact.getByRole('heading', { level: 1, name: 'Welcome, Sophie at Boulangerie Fabre' }).waitFor();

  // The link worked once.
  await contact.goto(resetLink);
  await contact.getByText('This password reset link is not valid any more').waitFor();
  // The browser reports the refused sign-in (401) and the spent link (404) as failed loads;
  // nothing else went wrong.
  assert.deepEqual(
    contact.problems,
    [
      'console: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
      'console: Failed to load resource: the server responded with a status of 404 (Not Found)',
    ],
    'no other console errors or CSP violations for the contact',
  );
});

// Helpers for journeys about people: signing in through the page, and reading a message in the
// staff mailbox (the embedded mailbox where the portal's emails land in the demo).

/**
 * Opens the sign-in page and signs in with `email` and `password`, using the labels the person
 * sees (English by default; pass the French ones for a French page).
 */
export async function signIn(page, url, { email, password }, labels = { email: 'Email', password: 'Password', button: 'Sign in' }) {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel(labels.email, { exact: true }).fill(email);
  await page.getByLabel(labels.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: labels.button, exact: true }).click();
  await page.waitForLoadState();
}

/**
 * On the mailbox page, opens the newest message to `recipient` whose subject matches
 * `subject`, and returns its text body. Messages are listed as soon as they are queued; the
 * page is reloaded a few times in case the change that queues it is still committing.
 */
export async function readMessage(page, { recipient, subject }) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const link = page.getByRole('row').filter({ hasText: recipient }).getByRole('link', { name: subject }).first();
    if ((await link.count()) > 0) {
      await link.click();
      const text = await page.locator('pre.message-text').innerText();
      return { text };
    }
    await page.waitForTimeout(250);
    await page.reload();
  }
  throw new Error(`no message to ${recipient} matching ${subject} in the mailbox`);
}

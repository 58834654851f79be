// Moving visits, end to end against the real binary, the demo city and a real SMTP server
// (issue 15's "Done when"): the demo dispatcher (who reads French) drags one of the demo
// customer's Scheduled visits on the board onto a technician who lacks a skill the visit needs
// — refused, the reason (naming the skill) read out in the board's live region — then onto an
// eligible technician and time — accepted, the block moves to that other technician's row and
// time (the demo gives the demo customer's visits a second technician), and the customer's
// mailbox has the rescheduled email with the new time. The same kind of move is then done from
// the keyboard through the "Move…" dialog (Check shows the verdict, Move returns to the board
// with the notice), and a second dispatcher's board shows each move without reloading.
//
// The visit and the technicians are picked from the demo data through the board API
// (GET /api/v1/staff/board) and dry runs of the move API (the same checks as a drop), never
// guessed.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenshot, startPortal } from '../support/app.mjs';
import { signIn } from '../support/identity.mjs';
import { startSmtpSink } from '../support/mail.mjs';

const DISPATCHER = { email: 'dispatcher@demo.test', password: 'demo-password' };
const FRENCH = { email: 'Adresse e-mail', password: 'Mot de passe', button: 'Se connecter' };
const CUSTOMER_EMAIL = 'customer@demo.test';
const CUSTOMER_ACCOUNT = 'Boulangerie Fabre';
const MINUTE = 60_000;
/** Tall enough that every technician's row is on screen at once: a drag never scrolls. */
const VIEWPORT = { width: 1600, height: 3200 };

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

function problems(page) {
  return page.problems.filter((p) => !/Failed to load resource/.test(p));
}

/** GET a JSON document with the page's session. */
async function getJson(page, path) {
  return page.evaluate(async (p) => {
    const response = await fetch(p, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    return { status: response.status, body: await response.json() };
  }, path);
}

/** A dry run of the move API (the page's CSRF token through onsite.fetch): its reasons. */
async function dryRun(page, id, technicianId, startsAt) {
  return page.evaluate(async ({ id, technicianId, startsAt }) => {
    const response = await window.onsite.fetch(`/api/v1/staff/visits/${id}/move`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ technician_id: technicianId, starts_at: startsAt, dry_run: true }),
    });
    const body = await response.json();
    return { status: response.status, codes: (body.reasons || []).map((r) => r.code), body };
  }, { id, technicianId, startsAt });
}

function iso(ms) {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function addDays(date, days) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The date and the 24-hour time of an instant in a zone: ['2026-03-09', '14:30']. */
function local(ms, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return [`${parts.year}-${parts.month}-${parts.day}`, `${parts.hour}:${parts.minute}`];
}

/** The ways an email may write the time: 14:30, 14 h 30, 2:30 PM. */
function timePattern(hhmm) {
  const [h, m] = hhmm.split(':').map(Number);
  const h12 = ((h + 11) % 12) + 1;
  const mm = String(m).padStart(2, '0');
  return new RegExp(`(\\b0?${h}:${mm}\\b|\\b${h}\\s?h\\s?${mm}\\b|\\b${h12}:${mm}\\s?(AM|PM|a\\.m\\.|p\\.m\\.))`, 'i');
}

/**
 * From the board API: one of the demo customer's Scheduled visits on a coming day, a technician
 * who lacks a skill it needs (if possible the only reason a drop there is refused) and another
 * technician and time a drop is accepted at — the day's board and the visit's length with them.
 */
async function pickMove(page) {
  const today = (await getJson(page, '/api/v1/staff/board')).body.day;
  for (let offset = 1; offset <= 14; offset += 1) {
    const day = addDays(today, offset);
    const { status, body: board } = await getJson(page, `/api/v1/staff/board?day=${day}`);
    assert.equal(status, 200, `the board of ${day}`);
    const visits = board.technicians.flatMap((t) => t.visits);
    // The demo customer's: their contact is who the rescheduled email goes to.
    const ordered = visits.filter((v) => v.account === CUSTOMER_ACCOUNT && v.state === 'scheduled' && Date.parse(v.starts_at) > Date.now() + 60 * MINUTE);
    for (const visit of ordered) {
      const length = Date.parse(visit.ends_at) - Date.parse(visit.starts_at);
      let refused = null;
      let accepted = null;
      for (const tech of board.technicians) {
        for (const period of tech.working) {
          const from = Math.max(Date.parse(period.from), Date.parse(board.period.from));
          const to = Math.min(Date.parse(period.to), Date.parse(board.period.to));
          // Half hours of their working hours, from an hour in (travel from home) on.
          for (let at = from + 60 * MINUTE; at + length <= to; at += 30 * MINUTE) {
            if (at === Date.parse(visit.starts_at) && tech.id === visit.technician_id) continue;
            const check = await dryRun(page, visit.id, tech.id, iso(at));
            if (check.codes.includes('lacks_skill')) {
              if (!refused || (refused.codes.length > 1 && check.codes.length === 1)) refused = { tech, at, codes: check.codes };
              if (check.codes.length === 1) break; // the rest of the row lacks it too
            } else if (check.status === 200 && check.codes.length === 0) {
              if (tech.id !== visit.technician_id) accepted = accepted || { tech, at };
              break;
            } else if (check.codes.includes('territory')) {
              break;
            }
          }
        }
        if (refused && refused.codes.length === 1 && accepted) break;
      }
      if (refused && accepted) return { day, board, visit, length, refused, accepted };
    }
  }
  throw new Error('no Scheduled visit of the demo customer in the coming two weeks with a refused target and another technician to take it');
}

/**
 * The `count`th rescheduled email of the visit with work order `workOrder` (the booking's contact
 * is its recipient), waiting up to 20 s for it.
 */
async function rescheduledEmail(workOrder, count) {
  for (let attempt = 0; attempt < 80; attempt += 1) {
    const found = (await smtp.received()).filter((m) => /(moved|déplacée)/i.test(m.subject) && m.text.includes(workOrder));
    if (found.length >= count) {
      assert.equal(found.length, count, `one email per move of ${workOrder}`);
      return found[count - 1];
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no rescheduled email number ${count} for ${workOrder} reached the SMTP server`);
}

/** Presses Tab (a date or time field has a stop per part) until `reached` holds in the page. */
async function tabUntil(page, reached) {
  for (let i = 0; i < 80; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(reached)) return;
  }
  throw new Error(`Tab never reached ${reached}`);
}

/** Drags a block with the real mouse onto a technician's lane at the instant `at`. */
async function dragTo(page, visitId, technicianId, at) {
  const lane = page.locator(`.board-day .lane-grid.drop-target[data-technician="${technicianId}"]`);
  const grid = await page.locator('#board-body .board-body').evaluate((el) => ({
    from: Date.parse(el.dataset.gridFrom),
    minutes: Number(el.dataset.gridMinutes),
  }));
  const box = await lane.boundingBox();
  const fraction = (at - grid.from) / (grid.minutes * MINUTE);
  assert.ok(fraction >= 0 && fraction <= 1, `the target time is on the board (${fraction})`);
  await page.locator(`#visit-${visitId}`).dragTo(lane, {
    targetPosition: { x: box.width * fraction, y: box.height / 2 },
  });
}

test('a dispatcher moves a visit by drag and drop and from the keyboard; another board follows', { timeout: 300_000 }, async () => {
  const first = await portal.newPage({ locale: 'fr-CA', viewport: VIEWPORT });
  const second = await portal.newPage({ locale: 'fr-CA', viewport: VIEWPORT });
  await signIn(first, portal.url, DISPATCHER, FRENCH);
  await signIn(second, portal.url, DISPATCHER, FRENCH);
  await first.goto(`${portal.url}/staff/visits`);
  await first.getByRole('heading', { level: 1, name: 'Interventions' }).waitFor();

  const { day, board, visit, refused, accepted } = await pickMove(first);
  const zone = board.time_zone;
  const skills = await first.locator('#skill option').allTextContents();

  for (const page of [first, second]) {
    await page.goto(`${portal.url}/staff/visits?day=${day}`);
    await page.locator(`#visit-${visit.id}`).waitFor();
    await page.waitForFunction(() => document.querySelector('.schedule-board')?.dataset.live === 'on');
  }
  await second.evaluate(() => { window.onsiteJourneyMarker = 'still here'; });
  /** Waits until the visit's block is in the technician's row at the instant `at`. */
  const shownAt = (page, techId, at) => page.waitForFunction(({ id, techId, at }) => {
    const block = document.querySelector(`.board-day .lane-grid[data-technician="${techId}"] #visit-${id}`);
    return block && Date.parse(block.dataset.starts) === at;
  }, { id: visit.id, techId, at }, { timeout: 15_000 });
  await shownAt(second, visit.technician_id, Date.parse(visit.starts_at));

  // 1. Dropped on a technician who lacks a skill: refused, the reason read out.
  await dragTo(first, visit.id, refused.tech.id, refused.at);
  const status = first.locator('#board-status');
  await status.getByText('Ce déplacement est refusé').waitFor();
  const said = await status.innerText();
  assert.ok(said.includes(refused.tech.name), `the refusal names ${refused.tech.name}: ${said}`);
  assert.match(said, /n'a pas/, said);
  const skill = skills.find((s) => s.trim() && said.includes(`${s.trim()} ≥`));
  assert.ok(skill, `the refusal names the skill (one of ${skills.join(', ')}): ${said}`);
  assert.equal(await first.locator('#board-status form').count(), 0, 'a missing skill cannot be overridden');
  await shownAt(first, visit.technician_id, Date.parse(visit.starts_at));
  await screenshot(first, 'moves-refused');

  // 2. Dropped on an eligible technician and time: accepted, the block in the new row.
  await dragTo(first, visit.id, accepted.tech.id, accepted.at);
  await status.getByText('L’intervention est déplacée.').waitFor();
  await shownAt(first, accepted.tech.id, accepted.at);
  assert.notEqual(accepted.tech.id, visit.technician_id, 'another technician takes it');
  const moved = (await getJson(first, `/api/v1/staff/board?day=${day}`)).body.technicians
    .find((t) => t.id === accepted.tech.id).visits.find((v) => v.id === visit.id);
  assert.ok(moved, 'the API has the visit with its new technician');
  assert.equal(Date.parse(moved.starts_at), accepted.at, 'it starts where it was dropped');
  await screenshot(first, 'moves-dropped');

  // The second dispatcher's board follows, without reloading.
  await shownAt(second, accepted.tech.id, accepted.at);
  assert.equal(await second.evaluate(() => window.onsiteJourneyMarker), 'still here', 'no page reload');

  // The customer is told the new time.
  const [, newTime] = local(accepted.at, zone);
  const email = await rescheduledEmail(visit.work_order, 1);
  assert.ok(email.to.includes(CUSTOMER_EMAIL), `the demo customer is emailed: ${email.to}`);
  assert.match(email.text, new RegExp(`(Arrival|Arrivée)\\s*:\\s*${timePattern(newTime).source}`, 'i'), `the email gives the new time ${newTime}:\n${email.text}`);

  // 3. From the keyboard only: back to its first technician and time through the Move… dialog.
  const block = first.locator(`#visit-${visit.id}`);
  await block.press('Enter');
  const moveLink = first.locator('#visit-detail').getByRole('link', { name: 'Déplacer…' });
  await moveLink.waitFor();
  await moveLink.press('Enter');
  await first.waitForURL(new RegExp(`/staff/visits/${visit.id}/move$`));
  const [backDate, backTime] = local(Date.parse(visit.starts_at), zone);
  await first.locator('#technician_id').focus();
  await first.locator('#technician_id').selectOption({ label: visit.technician });
  await first.keyboard.press('Tab');
  assert.equal(await first.evaluate(() => document.activeElement?.id), 'date');
  await first.locator('#date').fill(backDate);
  await tabUntil(first, () => document.activeElement?.id === 'time');
  await first.locator('#time').fill(backTime);
  await tabUntil(first, () => document.activeElement?.textContent.trim() === 'Vérifier');
  await first.keyboard.press('Enter');
  await first.locator('.move-verdict').getByText('La visite peut être déplacée à cet endroit.').waitFor();
  assert.equal(await first.locator('#technician_id').inputValue(), String(visit.technician_id), 'the check keeps the choice');
  await screenshot(first, 'moves-dialog-checked');
  await tabUntil(first, () => document.activeElement?.textContent.trim() === 'Déplacer');
  await first.keyboard.press('Enter');
  await first.waitForURL(/\/staff\/visits(\?|$)/);
  await first.getByText(/La visite a été déplacée|Visite déplacée vers/).first().waitFor();

  // The second board follows again; the customer is told again.
  await shownAt(second, visit.technician_id, Date.parse(visit.starts_at));
  assert.equal(await second.evaluate(() => window.onsiteJourneyMarker), 'still here', 'no page reload');
  await rescheduledEmail(visit.work_order, 2);

  assert.deepEqual(problems(first), []);
  assert.deepEqual(problems(second), []);
});

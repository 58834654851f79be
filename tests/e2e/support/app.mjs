// Shared by every browser journey: start the real `onsite` binary on a fresh data folder,
// launch Debian's Chromium through playwright-core, and stop both afterwards.
//
//   import { startPortal } from '../support/app.mjs';
//   const portal = await startPortal({ serveArgs: ['--demo'] });   // in before()
//   const page = await portal.newPage({ locale: 'fr-FR' });
//   await page.goto(portal.url + '/');
//   await portal.stop();                                            // in after()
//
// The binary is $ONSITE_BIN, by default <repo>/target/debug/onsite (`cargo build -p onsite`).
// Chromium is $CHROMIUM, by default /usr/bin/chromium (`apt-get install chromium`); no browser
// is ever downloaded.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const e2eDir = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = path.resolve(e2eDir, '..', '..');
/** Screenshots and logs land here (ignored by git). */
export const artifactsDir = path.join(e2eDir, 'artifacts');

const LISTENING = /Onsite is listening on (http:\/\/\S+)/;
const START_TIMEOUT_MS = 120_000; // loading the demo city on a busy 2-core machine takes a while
const STOP_TIMEOUT_MS = 10_000;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** The `onsite` binary the journeys run. */
export function onsiteBinary() {
  const bin = process.env.ONSITE_BIN || path.join(repoRoot, 'target', 'debug', 'onsite');
  if (!existsSync(bin)) {
    throw new Error(`The onsite binary is missing at ${bin}: build it with \`cargo build -p onsite\` or set ONSITE_BIN.`);
  }
  return bin;
}

/** A fresh, empty data folder (removed by the server's stop()). */
export async function freshDataDir() {
  return mkdtemp(path.join(os.tmpdir(), 'onsite-e2e-'));
}

/**
 * Starts `onsite serve --port 0 --data-dir <dataDir or a fresh tmp dir> ...serveArgs` and waits
 * for the line that gives its URL. Resolves to { url, dataDir, output(), stop() }.
 */
export async function startServer({ serveArgs = [], env = {}, dataDir: given } = {}) {
  const bin = onsiteBinary();
  const dataDir = given || (await freshDataDir());
  const child = spawn(bin, ['serve', '--port', '0', '--data-dir', dataDir, ...serveArgs], {
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not say it was listening within ${START_TIMEOUT_MS / 1000}s`), START_TIMEOUT_MS);
    function fail(why) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`onsite ${why}. Its output:\n${output}`));
    }
    const read = (chunk) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.once('error', (e) => fail(`could not be started (${e.message})`));
    exited.then(({ code, signal }) => fail(`exited early (code ${code}, signal ${signal})`));
  });

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM'); // graceful: the binary finishes requests in flight and exits
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  }

  return { url, dataDir, output: () => output, stop };
}

/** Launches Chromium headless (one browser per journey file; one context per person). */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium is missing at ${executablePath}: install it with \`apt-get install -y chromium\` or set CHROMIUM.`);
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/**
 * The server and a browser together. `newPage({ locale })` opens a page in a fresh context
 * (its own cookies and language) and records problems the page reports: console errors,
 * uncaught exceptions and content-security-policy violations, which a journey asserts are none.
 */
export async function startPortal(options = {}) {
  const server = await startServer(options);
  let browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await server.stop();
    throw e;
  }
  const contexts = [];

  async function newPage({ locale = 'en-US', ...contextOptions } = {}) {
    const context = await browser.newContext({ locale, ...contextOptions });
    contexts.push(context);
    const page = await context.newPage();
    page.problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') page.problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => page.problems.push(`exception: ${error.message}`));
    return page;
  }

  async function stop() {
    for (const context of contexts) await context.close().catch(() => {});
    await browser.close().catch(() => {});
    await server.stop();
  }

  return { url: server.url, server, browser, newPage, stop };
}

/** Saves a full-page screenshot as artifacts/<name>.png and returns its path. */
export async function screenshot(page, name) {
  await mkdir(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

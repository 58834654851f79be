// A real SMTP server for the journeys whose emails must reach their recipient: password-reset
// links and invitation codes are sent only there, never shown in the staff mailbox.
//
//   import { startSmtpSink } from '../support/mail.mjs';
//   const smtp = await startSmtpSink();
//   const portal = await startPortal({ serveArgs: ['--demo'], env: smtp.serverEnv });
//   const { text } = await smtp.waitForMessage({ to: 'ana@example.com', subject: /password/i });
//   await smtp.stop();
//
// It is the SMTP server of the Rust mail tests (aiosmtpd, crates/onsite-testkit/smtp_sink.py),
// run by $ONSITE_TEST_PYTHON or python3: `pip install aiosmtpd==1.4.6`.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './app.mjs';

const SCRIPT = path.join(repoRoot, 'crates', 'onsite-testkit', 'smtp_sink.py');
const START_TIMEOUT_MS = 30_000;

/** A port nothing listens on yet. */
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the SMTP server on a free port. Resolves to { port, serverEnv, received(),
 * waitForMessage(), stop() }; `serverEnv` is the environment that makes `onsite serve` deliver
 * to it (mail.transport = smtp, plain text on 127.0.0.1).
 */
export async function startSmtpSink() {
  const python = process.env.ONSITE_TEST_PYTHON || 'python3';
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'onsite-e2e-smtp-'));
  const child = spawn(python, [SCRIPT, '--port', String(port), '--dir', dir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk) => {
    output += chunk.toString();
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS / 1000}s`), START_TIMEOUT_MS);
    function fail(why) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`The SMTP test server (${python} ${SCRIPT}) ${why}; it needs \`pip install aiosmtpd==1.4.6\`. Its output:\n${output}`));
    }
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      if (output.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (e) => fail(`could not be started (${e.message})`));
    child.once('exit', (code) => fail(`exited early (code ${code})`));
  });

  /** Every message received so far, oldest first: { to, subject, text, html }. */
  async function received() {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    const messages = [];
    for (const name of names) {
      const summary = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
      const part = (type) => {
        const found = summary.parts.find((p) => p.content_type === type);
        return found ? Buffer.from(found.content_hex, 'hex').toString('utf8').replaceAll('\r\n', '\n') : '';
      };
      messages.push({ to: summary.rcpt_tos, subject: summary.subject, text: part('text/plain'), html: part('text/html') });
    }
    return messages;
  }

  /** The newest message to `to` whose subject matches `subject`, waiting up to 20 s for it. */
  async function waitForMessage({ to, subject }) {
    for (let attempt = 0; attempt < 80; attempt += 1) {
      const found = (await received()).reverse().find((m) => m.to.includes(to) && subject.test(m.subject));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`no email to ${to} matching ${subject} reached the SMTP server`);
  }

  async function stop() {
    child.stdin.end(); // the server stops when its standard input closes
    if (child.exitCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await new Promise((resolve) => child.once('exit', resolve));
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  }

  const serverEnv = {
    ONSITE_MAIL_TRANSPORT: 'smtp',
    ONSITE_SMTP_HOST: '127.0.0.1',
    ONSITE_SMTP_PORT: String(port),
    ONSITE_SMTP_TLS: 'none',
    ONSITE_MAIL_FROM: 'Onsite <no-reply@onsite.test>',
  };
  return { port, serverEnv, received, waitForMessage, stop };
}

// End to end: the Provisioning page (resources/ui) in headless Chromium,
// against kestra-harness with the real module on a fresh SQLite store.
//
//   node tests/ui/provisioning.spec.mjs HARNESS MODULE [SCREENSHOT_DIR]
//
// Signs in, picks a tenant, creates an integration (endpoint and token shown
// once, copy buttons), calls its SCIM endpoint with that token, disables,
// enables, rotates and deletes it through the page, reads its audit trail,
// and saves a screenshot of each step.  Exits 77 (ctest: skipped) when
// Chromium or playwright-core is missing, unless KESTRA_TEST_REQUIRE_BROWSER=1.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const [harnessPath, modulePath, screenshotArg] = process.argv.slice(2);
const chromiumPath = process.env.KESTRA_TEST_CHROMIUM || '/usr/bin/chromium';
const SKIP = 77;

function skipOrFail(reason) {
  if (process.env.KESTRA_TEST_REQUIRE_BROWSER === '1') {
    console.error(`FAILED: ${reason} (KESTRA_TEST_REQUIRE_BROWSER=1: bash dist/install-deps.sh --test installs it)`);
    process.exit(1);
  }
  console.log(`SKIPPED: ${reason}; install it with: bash dist/install-deps.sh --test`);
  process.exit(SKIP);
}

if (!harnessPath || !modulePath) {
  console.error('usage: node provisioning.spec.mjs HARNESS MODULE [SCREENSHOT_DIR]');
  process.exit(2);
}
if (!existsSync(chromiumPath)) skipOrFail(`Chromium is not installed (${chromiumPath})`);
let chromium;
try {
  ({ chromium } = createRequire(import.meta.url)('playwright-core'));
} catch {
  skipOrFail(`playwright-core is not installed in ${here}/node_modules (npm ci)`);
}

const screenshotDir = path.resolve(screenshotArg || path.join(root, 'build', 'ui-screenshots'));
const tenant = 'acme';
const adminUser = 'admin@kestra.io';
const adminPassword = randomBytes(18).toString('base64url');
const adminAuth = `Basic ${Buffer.from(`${adminUser}:${adminPassword}`).toString('base64')}`;
const started = Date.now();

let state;
let harness;
let harnessLog = '';
let base;
let browser;
let page;
const consoleProblems = [];
let shot = 0;

async function screenshot(name) {
  shot += 1;
  const file = path.join(screenshotDir, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Starts the harness on port 0 and waits for "listening on http://...".
function startHarness() {
  state = mkdtempSync(path.join(tmpdir(), 'kestra-ui-test-'));
  mkdirSync(path.join(state, 'plugins'));
  symlinkSync(path.resolve(modulePath), path.join(state, 'plugins', path.basename(modulePath)));
  writeFileSync(path.join(state, 'application.yml'), [
    'micronaut.server.host: 127.0.0.1',
    'micronaut.server.port: 0',
    `kestra.plugins.path: "${path.join(state, 'plugins')}"`,
    'kestra.ee.tenants.enabled: true',
    `kestra.tenants: [${tenant}, globex]`,
    `kestra.security.superAdmin.username: "${adminUser}"`,
    `kestra.security.superAdmin.password: "${adminPassword}"`,
    `kestra.harness.data-dir: "${path.join(state, 'data')}"`,
    `kestra.scim.sqlite.path: "${path.join(state, 'data', 'kestra-scim.db')}"`,
    `kestra.scim.domain-claims: ["${tenant}=${tenant}.example", "${tenant}=corp.example", "globex=corp.example"]`,
    `kestra.ui.path: "${path.join(root, 'resources', 'ui')}"`,
    '',
  ].join('\n'));
  harness = spawn(path.resolve(harnessPath), ['--config', path.join(state, 'application.yml')], {
    cwd: state,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  harness.stderr.on('data', (chunk) => { stderr += chunk; harnessLog += chunk; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`harness did not start in 30 s:\n${stdout}${stderr}`)), 30000);
    harness.stdout.on('data', (chunk) => {
      stdout += chunk;
      harnessLog += chunk;
      const match = /^listening on (http:\/\/\S+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ base: match[1], banner: stdout });
      }
    });
    harness.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`harness exited with ${code} before listening:\n${stdout}${stderr}`));
    });
  });
}

async function stopHarness() {
  if (!harness || harness.exitCode !== null) return;
  const exited = new Promise((resolve) => harness.once('exit', resolve));
  harness.kill('SIGTERM');
  const timeout = setTimeout(() => harness.kill('SIGKILL'), 30000);
  await exited;
  clearTimeout(timeout);
}

async function scim(endpoint, token, method = 'GET', resource = '/Users', body) {
  const response = await fetch(`${endpoint}${resource}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'application/scim+json',
      ...(body ? { 'Content-Type': 'application/scim+json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  await response.arrayBuffer();
  return response.status;
}

async function adminStatus(pathname) {
  const response = await fetch(`${base}${pathname}`, { headers: { Authorization: adminAuth } });
  await response.arrayBuffer();
  return response.status;
}

const row = (name) => page.locator(`#integrations-body tr[data-name="${name}"]`);

// The endpoint and token of the secret dialog, which must be open.
async function readSecret() {
  const dialog = page.locator('#secret-dialog');
  await dialog.waitFor({ state: 'visible' });
  return {
    endpoint: await page.inputValue('#secret-endpoint'),
    token: await page.inputValue('#secret-token'),
    warning: await page.textContent('#secret-warning'),
  };
}

async function closeSecret() {
  await page.click('#secret-dialog [data-close]');
  await page.locator('#secret-dialog').waitFor({ state: 'hidden' });
}

before(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  const startedHarness = await startHarness();
  base = startedHarness.base;
  assert.match(startedHarness.banner, /^kestra-harness \S+ ABI \d+\.\d+$/m);
  assert.match(startedHarness.banner, /^module loaded: kestra-scim \d+\.\d+\.\d+ \(ABI \d+\.\d+\)/m);
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'], headless: true });
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme: 'light' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = await context.newPage();
  page.setDefaultTimeout(30000);
  page.on('pageerror', (error) => consoleProblems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused request (401 on a wrong password, 4xx shown to the user) is
    // logged by Chromium as "Failed to load resource": expected here.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      consoleProblems.push(`console: ${message.text()}`);
    }
  });
  page.on('dialog', (dialog) => {
    consoleProblems.push(`unexpected browser dialog: ${dialog.type()} ${dialog.message()}`);
    dialog.dismiss();
  });
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    await stopHarness();
    writeFileSync(path.join(screenshotDir, 'harness.log'), harnessLog);
    if (state) rmSync(state, { recursive: true, force: true });
    console.log(`# screenshots: ${screenshotDir}`);
    console.log(`# browser test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
});

test('the Provisioning page, end to end', async (t) => {
  let integrationId;
  let endpoint;
  let token;

  await t.test('the page loads under the CSP and asks to sign in', async () => {
    const response = await page.goto(`${base}/ui/`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-security-policy'], /^default-src 'self'/);
    await page.locator('#login-view').waitFor({ state: 'visible' });
    assert.equal(await page.isVisible('#app-view'), false);
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
    await screenshot('sign-in');
  });

  await t.test('a wrong password is refused with a message, not a browser prompt', async () => {
    // Chromium reports through the DevTools protocol each time it would ask
    // the user for credentials (its sign-in prompt).
    const cdp = await page.context().newCDPSession(page);
    const prompts = [];
    cdp.on('Fetch.authRequired', (event) => {
      prompts.push(event.request.url);
      cdp.send('Fetch.continueWithAuth', { requestId: event.requestId,
        authChallengeResponse: { response: 'CancelAuth' } }).catch(() => {});
    });
    cdp.on('Fetch.requestPaused', (event) => {
      cdp.send('Fetch.continueRequest', { requestId: event.requestId }).catch(() => {});
    });
    await cdp.send('Fetch.enable', { handleAuthRequests: true, patterns: [{ urlPattern: '*' }] });
    await page.fill('#login-username', adminUser);
    await page.fill('#login-password', 'not-the-password');
    await page.click('#login-form button[type=submit]');
    await page.locator('#login-error').waitFor({ state: 'visible' });
    await cdp.send('Fetch.disable');
    await cdp.detach();
    assert.match(await page.textContent('#login-error'), /wrong username or password/i);
    assert.deepEqual(prompts, [], 'no browser sign-in prompt');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await screenshot('sign-in-refused');
  });

  await t.test('signing in shows the tenants and their integrations', async () => {
    await page.fill('#login-password', adminPassword);
    await page.click('#login-form button[type=submit]');
    await page.locator('#app-view').waitFor({ state: 'visible' });
    const tenants = await page.$$eval('#tenant-select option', (options) => options.map((o) => o.value));
    assert.deepEqual(tenants.sort(), ['acme', 'globex']);
    await page.selectOption('#tenant-select', 'globex');
    await page.waitForURL(/#tenant=globex$/);
    await page.locator('#empty-state').waitFor({ state: 'visible' });
    await page.locator('#domains-list li[data-domain="corp.example"]').waitFor({ state: 'visible' });
    assert.deepEqual(await page.$$eval('#domains-list li', (items) => items.map((li) => li.dataset.domain)),
      ['corp.example']);
    await page.selectOption('#tenant-select', tenant);
    await page.waitForURL(new RegExp(`#tenant=${tenant}$`));
    await page.locator('#empty-state').waitFor({ state: 'visible' });
    // The tenant's claimed domains, read-only: the instance admin's.
    await page.locator(`#domains-list li[data-domain="${tenant}.example"]`).waitFor({ state: 'visible' });
    assert.deepEqual(await page.$$eval('#domains-list li', (items) => items.map((li) => li.dataset.domain)),
      ['acme.example', 'corp.example']);
    assert.match(await page.textContent('#domains-card'), /configuration/);
    assert.equal(await page.locator('#domains-card button').count(), 0);
    assert.match(await page.textContent('#signed-in-as'), /admin@kestra\.io/);
    await screenshot('no-integration-yet');
  });

  await t.test('create refuses a bad name with the API message', async () => {
    await page.click('#create-button');
    await page.locator('#create-dialog').waitFor({ state: 'visible' });
    await page.fill('#create-name', 'Okta Prod');
    await page.click('#create-form button[type=submit]');
    await page.locator('#create-error').waitFor({ state: 'visible' });
    assert.match(await page.textContent('#create-error'), /name/i);
    await screenshot('create-refused');
  });

  await t.test('create shows the SCIM endpoint and the secret token once', async () => {
    assert.equal(await page.inputValue('#create-type'), 'SCIM');
    assert.match(await page.textContent('#create-type'), /SCIM 2\.0/);
    await page.fill('#create-name', 'okta-prod');
    await page.fill('#create-description', 'Okta production (SCIM 2.0 Test App)');
    await screenshot('create-form');
    await page.click('#create-form button[type=submit]');

    const secret = await readSecret();
    const shape = new RegExp(`^https?://[^/]+/api/v1/${tenant}/integrations/([0-9a-f-]{36})/scim/v2$`);
    const match = shape.exec(secret.endpoint);
    assert.ok(match, `endpoint ${secret.endpoint} has the documented shape`);
    integrationId = match[1];
    endpoint = secret.endpoint;
    token = secret.token;
    assert.ok(token.length >= 190 && token.length <= 300, `token of ${token.length} characters (about 200)`);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.match(secret.warning, /will not be shown again/);
    assert.match(secret.warning, /Save those details/);
    assert.equal(await page.locator('#secret-dialog [data-copy="secret-token"]').count(), 1);
    assert.equal(await page.locator('#secret-dialog [data-copy="secret-endpoint"]').count(), 1);

    await page.click('#secret-dialog [data-copy="secret-token"]');
    await page.locator('#secret-dialog [data-copy="secret-token"]', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
    await page.click('#secret-dialog [data-copy="secret-endpoint"]');
    await page.locator('#secret-dialog [data-copy="secret-endpoint"]', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), endpoint);
    await screenshot('created-token-shown-once');

    await closeSecret();
    await row('okta-prod').waitFor();
    assert.equal(await page.inputValue('#secret-token'), '');
    assert.ok(!(await page.content()).includes(token), 'the token is gone from the page');
    await page.reload();
    await row('okta-prod').waitFor();
    assert.ok(!(await page.content()).includes(token), 'and is not shown again after a reload');
    assert.match(await row('okta-prod').textContent(), new RegExp(integrationId));
  });

  await t.test('the token works at the SCIM endpoint, and the counts show', async () => {
    assert.equal(await scim(endpoint, token), 200);
    assert.equal(await scim(endpoint, token, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ada@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: 'ada@example.com', primary: true, type: 'work' }],
      active: true,
    }), 201);
    assert.equal(await scim(endpoint, token, 'POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Engineering',
    }), 201);
    await page.reload();
    await row('okta-prod').waitFor();
    assert.equal((await row('okta-prod').locator('[data-field=users]').textContent()).trim(), '1');
    assert.equal((await row('okta-prod').locator('[data-field=groups]').textContent()).trim(), '1');
    assert.equal(await row('okta-prod').locator('[role=switch]').getAttribute('aria-checked'), 'true');
    await screenshot('integration-listed-with-counts');
  });

  await t.test('disable through the page rejects SCIM requests', async () => {
    const toggle = row('okta-prod').locator('[role=switch]');
    await toggle.click();
    await page.locator('#integrations-body tr[data-name="okta-prod"] [role=switch][aria-checked="false"]').waitFor();
    assert.match(await page.textContent('#status'), /disabled/);
    assert.ok([401, 403].includes(await scim(endpoint, token)));
    await screenshot('disabled');
  });

  await t.test('enable through the page accepts them again', async () => {
    await row('okta-prod').locator('[role=switch]').click();
    await page.locator('#integrations-body tr[data-name="okta-prod"] [role=switch][aria-checked="true"]').waitFor();
    assert.equal(await scim(endpoint, token), 200);
    await screenshot('enabled');
  });

  await t.test('rotate shows a new token once; the old one stops working', async () => {
    await row('okta-prod').locator('[data-action=rotate]').click();
    await page.locator('#confirm-dialog').waitFor({ state: 'visible' });
    assert.match(await page.textContent('#confirm-text'), /stops working/);
    await screenshot('rotate-confirm');
    await page.click('#confirm-ok');
    const secret = await readSecret();
    assert.equal(secret.endpoint, endpoint);
    assert.notEqual(secret.token, token);
    assert.ok(secret.token.length >= 190);
    await screenshot('rotated-token-shown-once');
    await closeSecret();
    assert.equal(await scim(endpoint, token), 401);
    assert.equal(await scim(endpoint, secret.token), 200);
    token = secret.token;
  });

  await t.test('the dark theme', async () => {
    await page.click('#theme-toggle');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.equal(await page.getAttribute('#theme-toggle', 'aria-pressed'), 'true');
    await screenshot('dark-theme');
    await page.click('#theme-toggle');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
  });

  await t.test('the audit trail lists those actions', async () => {
    await row('okta-prod').locator('[data-action=audit]').click();
    await page.locator('#audit-dialog').waitFor({ state: 'visible' });
    await page.locator('#audit-body tr[data-action]').first().waitFor();
    const actions = await page.$$eval('#audit-body tr[data-action]', (rows) => rows.map((r) => r.dataset.action));
    for (const action of ['integration.create', 'integration.disable', 'integration.enable',
      'integration.rotate-token']) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
    const adminActions = actions.filter((a) => a.startsWith('integration.'));
    assert.deepEqual(adminActions.slice(0, 4),
      ['integration.rotate-token', 'integration.enable', 'integration.disable', 'integration.create']);
    assert.match(await page.textContent('#audit-body'), /admin@kestra\.io/);
    await screenshot('audit-trail');
    await page.click('#audit-dialog [data-close]');
    await page.locator('#audit-dialog').waitFor({ state: 'hidden' });
  });

  await t.test('delete asks for confirmation, then removes the integration', async () => {
    await row('okta-prod').locator('[data-action=delete]').click();
    await page.locator('#confirm-dialog').waitFor({ state: 'visible' });
    assert.match(await page.textContent('#confirm-title'), /Delete okta-prod/);
    await page.click('#confirm-dialog [data-close]');  // cancel keeps it
    await page.locator('#confirm-dialog').waitFor({ state: 'hidden' });
    assert.equal(await adminStatus(`/api/v1/${tenant}/security-integrations/${integrationId}`), 200);
    assert.equal(await scim(endpoint, token), 200);

    await row('okta-prod').locator('[data-action=delete]').click();
    await page.locator('#confirm-dialog').waitFor({ state: 'visible' });
    await screenshot('delete-confirm');
    await page.click('#confirm-ok');
    await page.locator('#confirm-dialog').waitFor({ state: 'hidden' });
    await row('okta-prod').waitFor({ state: 'detached' });
    await page.locator('#empty-state').waitFor({ state: 'visible' });
    assert.match(await page.textContent('#status'), /deleted/);
    assert.equal(await adminStatus(`/api/v1/${tenant}/security-integrations/${integrationId}`), 404);
    assert.equal(await scim(endpoint, token), 401);
    await screenshot('deleted');
  });

  await t.test('signing out forgets the credentials', async () => {
    await page.click('#sign-out');
    await page.locator('#login-view').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('kestra.provisioning.auth')), null);
    await page.reload();
    await page.locator('#login-view').waitFor({ state: 'visible' });
  });

  await t.test('no script error or CSP violation on the way', () => {
    assert.deepEqual(consoleProblems, []);
  });
});

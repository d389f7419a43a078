// The Provisioning page (Administration → IAM → Provisioning): a tenant's
// SCIM provisioning integrations through the module's admin API
// (resources/openapi/kestra-scim-admin.json).  Plain ES module, no framework.
//
// Authentication is the host's: HTTP Basic with the super-admin credentials.
// The sign-in form keeps the Authorization value in sessionStorage (this tab
// only, gone when it closes) and sends it with every call.  Requests go with
// credentials: 'omit', so a refused password never opens the browser's own
// sign-in prompt: the page shows the error instead.

const AUTH_KEY = 'kestra.provisioning.auth';
const USER_KEY = 'kestra.provisioning.user';
const TENANT_KEY = 'kestra.provisioning.tenant';
const THEME_KEY = 'kestra.provisioning.theme';
const AUDIT_PAGE_SIZE = 20;

const $ = (id) => document.getElementById(id);

// ---- HTTP ------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// The text of an error response: the admin API's {"status","message"}, the
// host's {"message"}, or a SCIM error's "detail".
async function errorMessage(response) {
  let text = '';
  try {
    text = await response.text();
    const body = JSON.parse(text);
    if (body && typeof body.message === 'string' && body.message) return body.message;
    if (body && typeof body.detail === 'string' && body.detail) return body.detail;
  } catch {
    // not JSON: fall through
  }
  return text.trim() || response.statusText || 'request failed';
}

async function api(method, path, body, authorization = sessionStorage.getItem(AUTH_KEY)) {
  const headers = { Accept: 'application/json' };
  if (authorization) headers.Authorization = authorization;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, `The server cannot be reached (${e.message}).`);
  }
  if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
  if (response.status === 204) return null;
  return response.json();
}

const encode = encodeURIComponent;
const integrationsPath = (tenant) => `/api/v1/${encode(tenant)}/security-integrations`;
const integrationPath = (tenant, id) => `${integrationsPath(tenant)}/${encode(id)}`;
const domainClaimsPath = (tenant) => `/api/v1/${encode(tenant)}/scim-domain-claims`;

function basicAuthorization(username, password) {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

// ---- DOM helpers -------------------------------------------------------------

// h('td', {class: 'num'}, 'text', otherNode): text is always set as text.
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function showError(element, message) {
  element.textContent = message;
  element.hidden = !message;
}

function announce(message) {
  $('status').textContent = message;
}

function formatTime(value) {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function timeElement(value) {
  return value ? h('time', { datetime: value, title: value }, formatTime(value)) : '—';
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain HTTP on another host: the Clipboard API is absent.
  const area = h('textarea', { readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy is not allowed here: select the text and copy it by hand');
}

function copyButton(label, getText) {
  const button = h('button', { type: 'button', class: 'button small' }, label);
  button.addEventListener('click', async () => {
    try {
      await copyText(getText());
      button.textContent = 'Copied';
      setTimeout(() => { button.textContent = label; }, 1500);
    } catch (e) {
      announce('');
      showError($('app-error'), `Copy failed: ${e.message}`);
    }
  });
  return button;
}

// ---- state ---------------------------------------------------------------------

const state = {
  tenant: null,
  integrations: [],
  audit: { integration: null, page: 1, total: 0 },
};

function signedIn() {
  return Boolean(sessionStorage.getItem(AUTH_KEY));
}

// Any 401 means the stored credentials no longer work: back to sign-in.
function handleFailure(error, element) {
  if (error instanceof ApiError && error.status === 401) {
    signOut('Your credentials were refused: sign in again.');
    return;
  }
  showError(element, error.message);
}

// ---- sign in / out -----------------------------------------------------------

function showLogin(message = '') {
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  $('sign-out').hidden = true;
  $('signed-in-as').hidden = true;
  showError($('login-error'), message);
  $('login-username').focus();
}

function signOut(message = '') {
  sessionStorage.removeItem(AUTH_KEY);
  sessionStorage.removeItem(USER_KEY);
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
  showLogin(message);
}

async function onLogin(event) {
  event.preventDefault();
  const username = $('login-username').value.trim();
  const password = $('login-password').value;
  if (!username || !password) {
    showError($('login-error'), 'Enter the username and the password.');
    return;
  }
  const authorization = basicAuthorization(username, password);
  const button = event.submitter;
  if (button) button.disabled = true;
  try {
    const tenants = await api('GET', '/api/v1/tenants', undefined, authorization);
    sessionStorage.setItem(AUTH_KEY, authorization);
    sessionStorage.setItem(USER_KEY, username);
    $('login-password').value = '';
    showError($('login-error'), '');
    await showApp(tenants);
  } catch (e) {
    const message = e instanceof ApiError && e.status === 401
      ? 'Wrong username or password.'
      : e.message;
    showError($('login-error'), message);
  } finally {
    if (button) button.disabled = false;
  }
}

// ---- tenants -------------------------------------------------------------------

async function showApp(tenants) {
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('sign-out').hidden = false;
  $('signed-in-as').hidden = false;
  $('signed-in-as').textContent = sessionStorage.getItem(USER_KEY) || '';
  showError($('app-error'), '');

  const select = $('tenant-select');
  select.replaceChildren(...tenants.map((t) => h('option', { value: t.id }, t.id)));
  const wanted = new URLSearchParams(location.hash.slice(1)).get('tenant') || sessionStorage.getItem(TENANT_KEY);
  const ids = tenants.map((t) => t.id);
  state.tenant = ids.includes(wanted) ? wanted : (ids[0] ?? null);
  select.disabled = ids.length === 0;
  $('create-button').disabled = ids.length === 0;
  if (!state.tenant) {
    state.integrations = [];
    renderIntegrations();
    showError($('app-error'), 'There is no tenant yet: create one first (POST /api/v1/tenants).');
    return;
  }
  select.value = state.tenant;
  await selectTenant(state.tenant);
  $('main').focus();
}

async function selectTenant(tenant) {
  state.tenant = tenant;
  sessionStorage.setItem(TENANT_KEY, tenant);
  history.replaceState(null, '', `#tenant=${encode(tenant)}`);
  announce('');
  await Promise.all([loadIntegrations(), loadDomainClaims()]);
}

// ---- domain claims (read-only: the instance admin's) -----------------------

async function loadDomainClaims() {
  const tenant = state.tenant;
  try {
    const result = await api('GET', domainClaimsPath(tenant));
    if (tenant !== state.tenant) return;
    const items = result.results.map((claim) => h('li', { 'data-domain': claim.domain },
      h('code', {}, claim.domain),
      h('span', { class: 'badge', title: claim.source === 'CONFIG' ? 'From kestra.scim.domain-claims' : 'Added by the instance admin' },
        claim.source === 'CONFIG' ? 'configuration' : 'instance admin')));
    $('domains-list').replaceChildren(...items);
    $('domains-empty').hidden = items.length > 0;
  } catch (e) {
    handleFailure(e, $('app-error'));
  }
}

// ---- integrations ----------------------------------------------------------

async function loadIntegrations() {
  const tenant = state.tenant;
  try {
    // Every page: a tenant has few integrations, the API pages by 1000.
    const all = [];
    for (let page = 1; ; page += 1) {
      const result = await api('GET', `${integrationsPath(tenant)}?size=1000&page=${page}`);
      all.push(...result.results);
      if (all.length >= result.total || result.results.length === 0) break;
    }
    if (tenant !== state.tenant) return;  // another tenant was picked meanwhile
    state.integrations = all;
    showError($('app-error'), '');
    renderIntegrations();
  } catch (e) {
    handleFailure(e, $('app-error'));
  }
}

function renderIntegrations() {
  const rows = state.integrations.map((integration) => {
    const name = integration.name;
    const toggle = h('button', {
      type: 'button',
      class: 'switch',
      role: 'switch',
      'aria-checked': integration.enabled ? 'true' : 'false',
      'aria-label': `${name} enabled`,
      'data-action': 'toggle',
    }, h('span', { class: 'track', 'aria-hidden': 'true' }),
    h('span', { class: 'switch-label' }, integration.enabled ? 'Enabled' : 'Disabled'));
    toggle.addEventListener('click', () => toggleEnabled(integration, toggle));

    return h('tr', { 'data-id': integration.id, 'data-name': name },
      h('td', {},
        h('div', { class: 'name' }, name),
        integration.description ? h('div', { class: 'description' }, integration.description) : null,
        h('div', { class: 'endpoint' },
          h('code', { title: 'SCIM endpoint' }, integration.uri),
          copyButton('Copy', () => integration.uri))),
      h('td', {}, h('span', { class: 'badge' }, integration.type === 'SCIM' ? 'SCIM 2.0' : integration.type)),
      h('td', {}, toggle),
      h('td', { class: 'num', 'data-field': 'users' }, integration.provisionedUsers ?? 0),
      h('td', { class: 'num', 'data-field': 'groups' }, integration.provisionedGroups ?? 0),
      h('td', {}, timeElement(integration.lastRequestAt)),
      h('td', {}, timeElement(integration.createdAt)),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'button small', 'data-action': 'audit',
          'aria-label': `Audit trail of ${name}`, onclick: () => openAudit(integration) }, 'Audit trail'),
        h('button', { type: 'button', class: 'button small', 'data-action': 'rotate',
          'aria-label': `Rotate the token of ${name}`, onclick: () => confirmRotate(integration) }, 'Rotate token'),
        h('button', { type: 'button', class: 'button small', 'data-action': 'delete',
          'aria-label': `Delete ${name}`, onclick: () => confirmDelete(integration) }, 'Delete')));
  });
  $('integrations-body').replaceChildren(...rows);
  $('integrations').hidden = rows.length === 0;
  $('empty-state').hidden = rows.length !== 0;
}

async function toggleEnabled(integration, button) {
  const enable = !integration.enabled;
  button.disabled = true;
  try {
    await api('POST', `${integrationPath(state.tenant, integration.id)}/${enable ? 'enable' : 'disable'}`);
    announce(enable
      ? `${integration.name} is enabled: its identity provider's requests are accepted.`
      : `${integration.name} is disabled: every request to its endpoint is rejected.`);
    await loadIntegrations();
  } catch (e) {
    button.disabled = false;
    handleFailure(e, $('app-error'));
  }
}

// ---- create ------------------------------------------------------------------

function openCreate() {
  $('create-form').reset();
  showError($('create-error'), '');
  $('create-dialog').showModal();
  $('create-name').focus();
}

async function onCreate(event) {
  event.preventDefault();
  const name = $('create-name').value.trim();
  if (!name) {
    showError($('create-error'), 'Enter a name.');
    $('create-name').focus();
    return;
  }
  const submit = event.submitter;
  if (submit) submit.disabled = true;
  try {
    const created = await api('POST', integrationsPath(state.tenant), {
      name,
      description: $('create-description').value.trim(),
      type: $('create-type').value,
    });
    $('create-dialog').close();
    showSecret('Integration created', created.uri, created.secretToken);
    announce(`Integration ${created.name} created.`);
    await loadIntegrations();
  } catch (e) {
    handleFailure(e, $('create-error'));
  } finally {
    if (submit) submit.disabled = false;
  }
}

// The token exists only in this dialog, and is wiped when it closes.
function showSecret(title, endpoint, token) {
  $('secret-title').textContent = title;
  $('secret-endpoint').value = endpoint;
  $('secret-token').value = token;
  $('secret-dialog').showModal();
  $('secret-token').focus();
  $('secret-token').select();
}

// ---- rotate / delete (confirmed) -------------------------------------------

let confirmAction = null;

function askConfirmation(title, text, okLabel, action) {
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = okLabel;
  showError($('confirm-error'), '');
  confirmAction = action;
  $('confirm-dialog').showModal();
  $('confirm-dialog').querySelector('[data-close]').focus();
}

async function onConfirm(event) {
  event.preventDefault();
  if (!confirmAction) return;
  const ok = $('confirm-ok');
  ok.disabled = true;
  try {
    await confirmAction();
    confirmAction = null;
    if ($('confirm-dialog').open) $('confirm-dialog').close();
  } catch (e) {
    handleFailure(e, $('confirm-error'));
  } finally {
    ok.disabled = false;
  }
}

function confirmRotate(integration) {
  askConfirmation(`Rotate the token of ${integration.name}?`,
    'A new secret token is created and the current one stops working at once: ' +
    'the identity provider must be given the new token.',
    'Rotate token',
    async () => {
      const rotated = await api('POST', `${integrationPath(state.tenant, integration.id)}/rotate-token`);
      $('confirm-dialog').close();
      showSecret('New secret token', integration.uri, rotated.secretToken);
      announce(`The token of ${integration.name} was rotated.`);
      await loadIntegrations();
    });
}

function confirmDelete(integration) {
  askConfirmation(`Delete ${integration.name}?`,
    'The integration, its service account and its token are removed: every request to its SCIM endpoint ' +
    'will fail. Users and groups it provisioned stay. This cannot be undone.',
    'Delete',
    async () => {
      await api('DELETE', integrationPath(state.tenant, integration.id));
      announce(`Integration ${integration.name} deleted.`);
      await loadIntegrations();
    });
}

// ---- audit trail ---------------------------------------------------------------

async function openAudit(integration) {
  state.audit = { integration, page: 1, total: 0 };
  $('audit-title').textContent = `Audit trail · ${integration.name}`;
  $('audit-body').replaceChildren();
  showError($('audit-error'), '');
  $('audit-dialog').showModal();
  await loadAudit();
}

function actorText(actor) {
  if (!actor) return '—';
  const kinds = { ADMIN: 'administrator', INTEGRATION: 'identity provider' };
  return `${actor.id} (${kinds[actor.type] ?? String(actor.type ?? '').toLowerCase()})`;
}

async function loadAudit() {
  const { integration, page } = state.audit;
  try {
    const result = await api('GET',
      `${integrationPath(state.tenant, integration.id)}/audit?size=${AUDIT_PAGE_SIZE}&page=${page}`);
    state.audit.total = result.total;
    const rows = result.results.map((entry) => h('tr', { 'data-action': entry.action },
      h('td', {}, timeElement(entry.time)),
      h('td', {}, h('code', {}, entry.action)),
      h('td', {}, actorText(entry.actor)),
      h('td', {}, entry.outcome),
      h('td', {}, entry.detail || '')));
    if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'Nothing recorded yet.')));
    $('audit-body').replaceChildren(...rows);
    const pages = Math.max(1, Math.ceil(result.total / AUDIT_PAGE_SIZE));
    $('audit-page').textContent = `Page ${page} of ${pages} · ${result.total} entries`;
    $('audit-prev').disabled = page <= 1;
    $('audit-next').disabled = page >= pages;
  } catch (e) {
    handleFailure(e, $('audit-error'));
  }
}

// ---- theme -----------------------------------------------------------------------

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const toggle = $('theme-toggle');
  toggle.setAttribute('aria-pressed', theme === 'dark' ? 'true' : 'false');
}

function initialTheme() {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'dark' || saved === 'light') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

// ---- wiring ------------------------------------------------------------------------

function wire() {
  applyTheme(initialTheme());
  $('theme-toggle').addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, next);
    applyTheme(next);
  });
  $('login-form').addEventListener('submit', onLogin);
  $('sign-out').addEventListener('click', () => signOut());
  $('tenant-select').addEventListener('change', (e) => selectTenant(e.target.value));
  $('create-button').addEventListener('click', openCreate);
  $('create-form').addEventListener('submit', onCreate);
  $('create-form').addEventListener('input', () => showError($('create-error'), ''));
  $('confirm-dialog').querySelector('form').addEventListener('submit', onConfirm);
  $('audit-prev').addEventListener('click', () => { state.audit.page -= 1; loadAudit(); });
  $('audit-next').addEventListener('click', () => { state.audit.page += 1; loadAudit(); });
  for (const button of document.querySelectorAll('dialog [data-close]')) {
    button.addEventListener('click', () => button.closest('dialog').close());
  }
  for (const button of document.querySelectorAll('[data-copy]')) {
    const label = button.textContent;
    button.addEventListener('click', async () => {
      try {
        await copyText($(button.dataset.copy).value);
        button.textContent = 'Copied';
        setTimeout(() => { button.textContent = label; }, 1500);
      } catch (e) {
        button.textContent = 'Copy failed';
        setTimeout(() => { button.textContent = label; }, 3000);
      }
    });
  }
  $('secret-dialog').addEventListener('close', () => {
    $('secret-token').value = '';
    $('secret-endpoint').value = '';
  });
  $('confirm-dialog').addEventListener('close', () => { confirmAction = null; });
}

async function start() {
  wire();
  if (!signedIn()) {
    showLogin();
    return;
  }
  try {
    await showApp(await api('GET', '/api/v1/tenants'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signOut('Your credentials were refused: sign in again.');
    else showLogin(e.message);
  }
}

start();

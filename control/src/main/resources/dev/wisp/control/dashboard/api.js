// The REST client: one token (kept in sessionStorage, so it dies with the tab), JSON in and out,
// and every failure turned into an ApiError carrying the API's own code and message.

const TOKEN_KEY = 'wisp.token';
const TENANT_KEY = 'wisp.tenant';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class Api {
  constructor(storage = sessionStorage) {
    this.storage = storage;
  }

  get token() { return this.storage.getItem(TOKEN_KEY); }
  get tenant() { return this.storage.getItem(TENANT_KEY) || ''; }

  login(token, tenant) {
    this.storage.setItem(TOKEN_KEY, token.trim());
    if (tenant && tenant.trim()) this.storage.setItem(TENANT_KEY, tenant.trim());
    else this.storage.removeItem(TENANT_KEY);
  }

  logout() {
    this.storage.removeItem(TOKEN_KEY);
    this.storage.removeItem(TENANT_KEY);
  }

  /** Adds ?tenant= for an admin acting on another tenant. */
  url(path, extra = {}) {
    const u = new URL(path, location.origin);
    if (this.tenant) u.searchParams.set('tenant', this.tenant);
    for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
    return u.pathname + u.search;
  }

  async request(method, path, body) {
    const headers = {Authorization: `Bearer ${this.token}`};
    const init = {method, headers};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(this.url(path), init);
    } catch (e) {
      throw new ApiError(0, 'unavailable', `cannot reach the control plane (${e.message})`);
    }
    const type = res.headers.get('Content-Type') || '';
    if (!res.ok) {
      let code = `http_${res.status}`;
      let message = res.statusText || `HTTP ${res.status}`;
      if (type.includes('json')) {
        const doc = await res.json().catch(() => null);
        if (doc && doc.error) ({code = code, message = message} = doc.error);
      }
      throw new ApiError(res.status, code, message);
    }
    if (res.status === 204) return null;
    return type.includes('json') ? res.json() : res.text();
  }

  get(path) { return this.request('GET', path); }
  post(path, body) { return this.request('POST', path, body); }
  patch(path, body) { return this.request('PATCH', path, body); }
  delete(path) { return this.request('DELETE', path); }
}

export const svc = (name) => `/v1/services/${encodeURIComponent(name)}`;

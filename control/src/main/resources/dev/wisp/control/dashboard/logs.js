// A service's log view: the retained lines of its instances (GET .../logs), and with Follow the
// same route's NDJSON stream read with fetch() (an Authorization header, which EventSource cannot
// send). At most MAX_LINES lines stay on the page.

const MAX_LINES = 2000;

/** "TIME INSTANCE STREAM TEXT", as `wisp logs` prints it. */
export function formatLine(l) {
  return `${l.at} ${l.instance} ${l.stream} ${l.text}`;
}

/** Splits NDJSON text into parsed lines; returns [lines, rest] where rest is an incomplete tail. Blank lines are keep-alives. */
export function parseNdjson(text) {
  const parts = text.split('\n');
  const rest = parts.pop();
  return [parts.filter((p) => p.trim()).map((p) => JSON.parse(p)), rest];
}

export class LogView {
  /**
   * @param api   the dashboard's Api (token, tenant)
   * @param pre   the element the lines go into
   * @param onError called with a message when loading or following fails
   */
  constructor(api, pre, onError) {
    Object.assign(this, {api, pre, onError});
    this.controller = null;
    this.lines = [];
    this.runs = 0;
  }

  /** Shows the service's lines for {instance, stream}; with follow, keeps adding new ones until stop(). */
  async show(service, {instance = '', stream = 'app', follow = false} = {}) {
    this.stop();
    this.lines = [];
    const run = ++this.runs; // a slower earlier show must not add its lines to this one
    const query = {stream, tail: '500'};
    if (instance) query.instance = instance;
    const path = `/v1/services/${encodeURIComponent(service)}/logs`;
    if (!follow) {
      const doc = await this.api.get(`${path}?${new URLSearchParams(query)}`);
      if (run === this.runs) this.add(doc.items || []);
      return;
    }
    const controller = this.controller = new AbortController();
    let res;
    try {
      res = await fetch(this.api.url(path, {...query, follow: 'true'}), {
        headers: {Authorization: `Bearer ${this.api.token}`, Accept: 'application/x-ndjson'},
        signal: controller.signal,
      });
    } catch (e) {
      if (!controller.signal.aborted) this.onError(`cannot follow the logs (${e.message})`);
      return;
    }
    if (!res.ok) {
      const doc = await res.json().catch(() => null);
      this.onError(doc && doc.error ? doc.error.message : `HTTP ${res.status}`);
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let rest = '';
    try {
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        const [lines, tail] = parseNdjson(rest + decoder.decode(value, {stream: true}));
        rest = tail;
        if (run !== this.runs) break;
        this.add(lines);
      }
    } catch (e) {
      if (!controller.signal.aborted) this.onError(`the log stream ended (${e.message})`);
    }
  }

  add(lines) {
    if (!lines.length) return;
    const atBottom = this.pre.scrollTop + this.pre.clientHeight >= this.pre.scrollHeight - 4;
    this.lines.push(...lines.map(formatLine));
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    this.pre.textContent = this.lines.length ? this.lines.join('\n') : '';
    if (atBottom) this.pre.scrollTop = this.pre.scrollHeight;
  }

  stop() {
    this.runs++;
    if (this.controller) this.controller.abort();
    this.controller = null;
  }
}

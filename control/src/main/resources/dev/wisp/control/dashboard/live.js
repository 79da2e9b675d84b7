// A server-sent event stream read with fetch() instead of EventSource: EventSource cannot send an
// Authorization header, and a token in the URL would end up in logs and history. Reconnects by
// itself (with Last-Event-ID, so nothing is missed) until stopped or refused with 401.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Splits SSE text into events; returns [events, rest] where rest is an incomplete tail. */
export function parseSse(text) {
  const events = [];
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop();
  for (const block of blocks) {
    const event = {id: null, event: 'message', data: [], retry: null};
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') event.data.push(value);
      else if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'retry' && /^\d+$/.test(value)) event.retry = Number(value);
    }
    events.push({...event, data: event.data.join('\n')});
  }
  return [events, rest];
}

export class EventStream {
  /**
   * @param url      the stream's URL
   * @param headers  sent on every (re)connect, e.g. Authorization
   * @param onEvent  called with each event's {id, event, data} that carries data
   * @param onState  called with 'live', 'connecting', or 'down' plus the HTTP status
   */
  constructor(url, headers, onEvent, onState) {
    Object.assign(this, {url, headers, onEvent, onState});
    this.lastId = null;
    this.retryMs = 2000;
    this.controller = new AbortController();
    this.run();
  }

  stop() {
    this.controller.abort();
  }

  async run() {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        const headers = {...this.headers, Accept: 'text/event-stream'};
        if (this.lastId !== null) headers['Last-Event-ID'] = this.lastId;
        const res = await fetch(this.url, {headers, signal, cache: 'no-store'});
        if (!res.ok) {
          this.onState('down', res.status);
          if (res.status === 401) return; // the token is gone; signing in again starts a new stream
          await sleep(Math.max(this.retryMs, 5000));
          continue;
        }
        this.onState('live', res.status);
        await this.read(res.body);
        if (!signal.aborted) this.onState('connecting');
      } catch (e) {
        if (signal.aborted) return;
        this.onState('connecting');
      }
      await sleep(this.retryMs);
    }
  }

  async read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      const [events, rest] = parseSse(buffer + value);
      buffer = rest;
      for (const e of events) {
        if (e.retry !== null) this.retryMs = e.retry;
        if (e.id !== null) this.lastId = e.id;
        if (e.data) this.onEvent(e);
      }
    }
  }
}

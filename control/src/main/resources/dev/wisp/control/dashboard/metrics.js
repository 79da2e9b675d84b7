// Turns successive scrapes of the Prometheus text at /metrics into what the page draws: requests
// per second and latency quantiles per service (from the deltas between two scrapes) and wake
// latency by path (cumulative since the server started).

/** Parses Prometheus text exposition into [{name, labels, value}]. */
export function parsePrometheus(text) {
  const samples = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    let i = 0;
    while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
    const name = line.slice(0, i);
    const labels = {};
    if (line[i] === '{') {
      i++;
      while (i < line.length && line[i] !== '}') {
        const eq = line.indexOf('=', i);
        const key = line.slice(i, eq).trim().replace(/^,/, '').trim();
        let j = eq + 2; // skip ="
        let value = '';
        while (j < line.length && line[j] !== '"') {
          if (line[j] === '\\' && j + 1 < line.length) {
            const next = line[j + 1];
            value += next === 'n' ? '\n' : next;
            j += 2;
          } else {
            value += line[j++];
          }
        }
        labels[key] = value;
        i = j + 1;
        while (i < line.length && (line[i] === ',' || line[i] === ' ')) i++;
      }
      i++;
    }
    const value = parseFloat(line.slice(i).trim().split(/\s+/)[0]);
    if (name && !Number.isNaN(value)) samples.push({name, labels, value});
  }
  return samples;
}

const owners = new WeakMap(); // a services list → Map(node name → service name)

/**
 * The service (one of `services`, as /v1/services lists them) a series belongs to: its `service`
 * label is the node's name for one revision, listed in that service's `nodeServices`. Null for
 * series of other tenants' services (an admin's /metrics holds them all) or of deleted ones.
 */
export function serviceOfSeries(label, services) {
  // Called for every sample of every scrape: index each services list once.
  let byLabel = owners.get(services);
  if (!byLabel) {
    byLabel = new Map(services.flatMap((s) => (s.nodeServices || []).map((n) => [n, s.name])));
    owners.set(services, byLabel);
  }
  return byLabel.get(label) ?? null;
}

const key = (s) => s.name + JSON.stringify(s.labels);

/** Quantile q of cumulative buckets [[le, count]] sorted by le, interpolated within the bucket. */
export function quantile(q, buckets) {
  if (!buckets.length) return null;
  const total = buckets[buckets.length - 1][1];
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return prevLe;
      const inBucket = count - prevCount;
      return inBucket <= 0 ? le : prevLe + (le - prevLe) * ((rank - prevCount) / inBucket);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

function bucketsOf(map) {
  return [...map.entries()].sort((a, b) => a[0] - b[0]);
}

const HISTORY = 150; // points kept per service: 5 minutes at one scrape every 2 s

export class MetricsHistory {
  /**
   * nameOf maps a series' service label (the node's name for one revision) to the API's service
   * name, or to null for a series the page does not show.
   */
  constructor(nameOf = (label) => label) {
    this.nameOf = nameOf;
    this.previous = null; // Map key → value of the last scrape
    this.previousAt = 0;
    this.series = new Map(); // service → [{t, rps, errors, p50, p99}]
    this.wakes = []; // [{service, path, count, sum, buckets}]
    this.scrapes = 0;
  }

  /** Feeds one scrape; the first only sets the baseline for rates. */
  add(text, now = Date.now()) {
    const samples = parsePrometheus(text);
    const current = new Map(samples.map((s) => [key(s), s.value]));
    this.wakes = wakeStats(samples, this.nameOf);
    if (this.previous) {
      const dt = (now - this.previousAt) / 1000;
      if (dt > 0) this.addPoints(samples, current, dt, now);
    }
    this.previous = current;
    this.previousAt = now;
    this.scrapes++;
  }

  addPoints(samples, current, dt, now) {
    const perService = new Map();
    const entry = (service) => {
      if (!perService.has(service)) perService.set(service, {requests: 0, errors: 0, buckets: new Map()});
      return perService.get(service);
    };
    for (const s of samples) {
      const service = s.labels.service ? this.nameOf(s.labels.service) : null;
      if (service === null) continue;
      const before = this.previous.get(key(s));
      // A series that is new or went down (its instance's meters were re-created) counts from 0.
      const delta = before === undefined || s.value < before ? s.value : s.value - before;
      if (s.name === 'wisp_router_requests_total') {
        const e = entry(service);
        e.requests += delta;
        if (s.labels.status === '5xx') e.errors += delta;
      } else if (s.name === 'wisp_router_request_duration_seconds_bucket') {
        const le = s.labels.le === '+Inf' ? Infinity : parseFloat(s.labels.le);
        const e = entry(service);
        e.buckets.set(le, (e.buckets.get(le) || 0) + delta);
      }
    }
    for (const service of new Set([...perService.keys(), ...this.series.keys()])) {
      const e = perService.get(service) || {requests: 0, errors: 0, buckets: new Map()};
      const buckets = bucketsOf(e.buckets);
      const point = {
        t: now,
        rps: e.requests / dt,
        errors: e.errors / dt,
        p50: quantile(0.5, buckets),
        p99: quantile(0.99, buckets),
      };
      const list = this.series.get(service) || [];
      list.push(point);
      if (list.length > HISTORY) list.shift();
      this.series.set(service, list);
    }
  }

  points(service) {
    return this.series.get(service) || [];
  }

  /** Wake latency per path, for one service or (service null) all of them together. */
  wakesByPath(service) {
    const byPath = new Map();
    for (const w of this.wakes) {
      if (service && w.service !== service) continue;
      const agg = byPath.get(w.path) || {path: w.path, count: 0, sum: 0, buckets: new Map()};
      agg.count += w.count;
      agg.sum += w.sum;
      for (const [le, c] of w.buckets) agg.buckets.set(le, (agg.buckets.get(le) || 0) + c);
      byPath.set(w.path, agg);
    }
    return [...byPath.values()].map((a) => {
      const buckets = bucketsOf(a.buckets);
      return {
        path: a.path, count: a.count,
        mean: a.count ? a.sum / a.count : null,
        p50: quantile(0.5, buckets), p99: quantile(0.99, buckets),
      };
    });
  }
}

function wakeStats(samples, nameOf) {
  const byKey = new Map();
  for (const s of samples) {
    if (!s.name.startsWith('wisp_wake_seconds')) continue;
    const service = s.labels.service ? nameOf(s.labels.service) : null;
    if (service === null) continue;
    const path = s.labels.path || '';
    const k = `${service}\u0000${path}`;
    const w = byKey.get(k) || {service, path, count: 0, sum: 0, buckets: new Map()};
    // A service's revisions each have their own series: they add up.
    if (s.name === 'wisp_wake_seconds_count') w.count += s.value;
    else if (s.name === 'wisp_wake_seconds_sum') w.sum += s.value;
    else if (s.name === 'wisp_wake_seconds_bucket') {
      const le = s.labels.le === '+Inf' ? Infinity : parseFloat(s.labels.le);
      w.buckets.set(le, (w.buckets.get(le) || 0) + s.value);
    }
    byKey.set(k, w);
  }
  return [...byKey.values()];
}

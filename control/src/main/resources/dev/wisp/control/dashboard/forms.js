// The action dialogs. Each is a native <dialog> (focus trapping and Escape for free); a failed
// submit keeps the dialog open and shows the API's message in its alert line.

import {$} from './dom.js';

/**
 * Wires dialog #id: open(values) fills its fields by name and shows it; submit(fields) is
 * awaited, and its error (ApiError or a local validation Error) is shown in the dialog.
 */
export function dialog(id, submit) {
  const dlg = $(id);
  const form = dlg.querySelector('form');
  const error = form.querySelector('.error');
  const busy = form.querySelector('button[type=submit]');
  form.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => dlg.close()));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    if (!form.reportValidity()) return;
    busy.disabled = true;
    try {
      await submit(fields(form));
      dlg.close();
    } catch (e) {
      error.textContent = e.code ? `${e.message} (${e.code})` : e.message;
      error.hidden = false;
    } finally {
      busy.disabled = false;
    }
  });
  return (values = {}) => {
    error.hidden = true;
    for (const [name, value] of Object.entries(values)) {
      const el = form.elements.namedItem(name);
      if (el) el.value = value ?? '';
    }
    dlg.showModal();
  };
}

function fields(form) {
  const out = {};
  for (const el of form.elements) if (el.name) out[el.name] = el.value.trim();
  return out;
}

/** "A=1\nB=two" → {A: "1", B: "two"}; a line without '=' is an error naming it. */
export function parseEnv(text) {
  const env = {};
  text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).forEach((line, i) => {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`environment line ${i + 1} is not KEY=value: ${line}`);
    env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  });
  return env;
}

/** A number field: undefined when empty (so the API keeps its value), an error when not a number. */
export function int(value, label) {
  if (value === '' || value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${label} must be a whole number`);
  return n;
}

/** Drops undefined and empty-string members so a PATCH only carries what the user set. */
export function compact(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== ''));
}

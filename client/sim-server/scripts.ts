// Scripted answers: a table from prompt match to reply, so tests and demos get exact, known answers
// from the simulator (a quality-pack verifier can be exercised with a right and a wrong answer).
// First matching entry wins; the model's own entries come before the config's global ones.
import type { ScriptEntry } from './config.js';

const compiled = new WeakMap<ScriptEntry, RegExp>();

function regexFor(entry: ScriptEntry): RegExp {
  let re = compiled.get(entry);
  if (!re) {
    // The global/sticky flags would make test() stateful; matching must not depend on history.
    re = new RegExp(entry.regex as string, (entry.flags ?? '').replace(/[gy]/g, ''));
    compiled.set(entry, re);
  }
  return re;
}

/**
 * Finds the scripted answer for a request. `lastUser` is the last user message's text (the prompt for
 * /v1/completions); `conversation()` builds the whole conversation's text only if an entry asks for it.
 */
export function findScript(scripts: readonly ScriptEntry[], lastUser: string, conversation: () => string): ScriptEntry | undefined {
  let whole: string | undefined;
  for (const entry of scripts) {
    const text = entry.on === 'conversation' ? (whole ??= conversation()) : lastUser;
    if (entry.match !== undefined ? text.includes(entry.match) : regexFor(entry).test(text)) return entry;
  }
  return undefined;
}

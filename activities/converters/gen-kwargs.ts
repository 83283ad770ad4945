// Generation settings as tools record them → the envelope's gen_kwargs (max_gen_toks, temperature,
// top_p, top_k). Tools spell the length limit differently; lm-eval's CLI records "k=v,k=v" strings.
import { InputError } from '../errors.js';
import type { GenKwargs } from '../../workflows/shared/envelope.js';
import { describe, type JsonRecord } from './values.js';
import { isRecord } from '../../workflows/shared/records.js';

const LENGTH_KEYS = ['max_gen_toks', 'max_new_tokens', 'max_tokens', 'max_completion_tokens'];

/** Parses lm-eval's "key=value,key=value" argument strings (model_args, gen_kwargs) the way lm-eval does:
 * numbers and booleans become numbers and booleans, everything else stays a string. */
export function parseArgString(text: string): JsonRecord {
  const out: JsonRecord = {};
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      out[trimmed] = true;
      continue;
    }
    out[trimmed.slice(0, eq).trim()] = argValue(trimmed.slice(eq + 1).trim());
  }
  return out;
}

function argValue(text: string): unknown {
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  if (/^none$/i.test(text)) return null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  return text;
}

/** A record of generation settings from an object, an "k=v,..." string, or nothing. */
export function settingsRecord(value: unknown, file: string, path: string): JsonRecord {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') return parseArgString(value);
  if (isRecord(value)) return value;
  throw new InputError(`${file}: ${path} must be an object or a "key=value,..." string, got ${describe(value)}`);
}

/** The envelope's four settings out of a tool's record; other keys (until, do_sample) are not part of
 * the envelope and are left out. */
export function toGenKwargs(settings: JsonRecord, file: string, path: string): GenKwargs {
  const out: GenKwargs = {};
  for (const key of LENGTH_KEYS) {
    if (settings[key] !== undefined && settings[key] !== null) {
      out.max_gen_toks = integerSetting(settings[key], file, `${path}.${key}`);
      break;
    }
  }
  if (settings.temperature !== undefined && settings.temperature !== null) {
    out.temperature = numberSetting(settings.temperature, file, `${path}.temperature`);
  }
  if (settings.top_p !== undefined && settings.top_p !== null) {
    out.top_p = numberSetting(settings.top_p, file, `${path}.top_p`);
  }
  if (settings.top_k !== undefined && settings.top_k !== null) {
    out.top_k = integerSetting(settings.top_k, file, `${path}.top_k`);
  }
  return out;
}

/** The settings every item agrees on; a key whose value differs between items (or that some items do
 * not set) is left out, because the envelope holds one value per key for the whole run. */
export function commonGenKwargs(items: readonly GenKwargs[]): GenKwargs {
  if (items.length === 0) return {};
  const out: Record<string, number> = {};
  const first = items[0] as Record<string, number | undefined>;
  for (const [key, value] of Object.entries(first)) {
    if (value === undefined) continue;
    if (items.every((item) => (item as Record<string, number | undefined>)[key] === value)) out[key] = value;
  }
  return out;
}

function numberSetting(value: unknown, file: string, path: string): number {
  // "0.7" arrives as text when the settings came from a "k=v" string lm-eval did not convert
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'number' && Number.isFinite(n)) return n;
  throw new InputError(`${file}: ${path} must be a number, got ${describe(value)}`);
}

function integerSetting(value: unknown, file: string, path: string): number {
  const n = numberSetting(value, file, path);
  if (!Number.isInteger(n)) throw new InputError(`${file}: ${path} must be a whole number, got ${describe(value)}`);
  return n;
}

// The environment an external tool runs with: only what it needs from ours, never the worker's whole
// environment (that would leak credentials such as the HF token or Temporal API keys into tools and
// their logs). The Hugging Face token is passed only when the caller says the tool needs the hub.

/** Variables a tool may inherit: locating binaries, locale, temp and cache directories. */
const PASS_THROUGH = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'XDG_CACHE_HOME',
  'HF_HOME',
  'HF_DATASETS_CACHE',
  'HF_HUB_CACHE',
  'SSL_CERT_FILE',
  'REQUESTS_CA_BUNDLE',
] as const;

const TOKEN_VARS = ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'] as const;

export interface CleanEnvOptions {
  /** True when the tool must reach the Hugging Face hub (datasets, tokenizers); otherwise it runs
   * with the hub switched off, so nothing it does leaves the machine except requests to the endpoint. */
  allowHub?: boolean;
  /** Added last; wins over everything else. */
  extra?: Record<string, string>;
  /** Source environment (tests pass their own). */
  from?: NodeJS.ProcessEnv;
}

export function cleanEnv(options: CleanEnvOptions = {}): Record<string, string> {
  const from = options.from ?? process.env;
  const env: Record<string, string> = {};
  for (const key of PASS_THROUGH) {
    const value = from[key];
    if (value !== undefined) env[key] = value;
  }
  // Python tools: unbuffered output so progress reaches the log (and heartbeats) as it happens.
  env.PYTHONUNBUFFERED = '1';
  env.PYTHONIOENCODING = 'utf-8';
  if (options.allowHub) {
    for (const key of TOKEN_VARS) {
      const value = from[key];
      if (value !== undefined) env[key] = value;
    }
  } else {
    env.HF_HUB_OFFLINE = '1';
    env.HF_DATASETS_OFFLINE = '1';
    env.TRANSFORMERS_OFFLINE = '1';
    env.HF_HUB_DISABLE_TELEMETRY = '1';
    env.HF_EVALUATE_OFFLINE = '1';
  }
  env.DO_NOT_TRACK = '1';
  return { ...env, ...options.extra };
}

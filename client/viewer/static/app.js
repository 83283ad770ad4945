// Nightshift viewer page. Plain ES module, no build step. Served mode asks the JSON API for just what a
// view needs; a static export (nightshift viewer --export) answers the same questions from data/*.json.
// Every string from the dataset goes through textContent, never innerHTML.

const STATIC = document.documentElement.dataset.static === '1';
const view = document.getElementById('view');
const state = { sort: { key: 'rank', dir: 1 }, trendModels: new Set(), selectedRuns: [] };
window.__nightshift = { charts: [] };

// ---------- data access ----------
const cache = new Map();
async function getJson(url) {
  if (!cache.has(url) || !STATIC) {
    const res = await fetch(url);
    const body = await res.json().catch(() => ({ error: `bad response from ${url}` }));
    if (!res.ok) throw new Error(body.error || `${res.status} from ${url}`);
    cache.set(url, body);
  }
  return cache.get(url);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== null) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

const EQUALITY_FILTERS = ['suite', 'metric', 'chip', 'quantization', 'model'];

function matches(row, f) {
  if (EQUALITY_FILTERS.some((k) => f[k] && row[k] !== f[k])) return false;
  if (f.since && row.timestamp < new Date(f.since).toISOString().slice(0, 19)) return false;
  if (f.until && row.timestamp > new Date(f.until).toISOString().slice(0, 19) + 'Z') return false;
  return true;
}

const api = {
  status: () => getJson(STATIC ? 'data/status.json' : '/api/status'),
  facets: () => getJson(STATIC ? 'data/facets.json' : '/api/facets'),
  async leaderboard(f) {
    if (!STATIC) return getJson(`/api/leaderboard${query(f)}`);
    // The export ships the server's answers; the page only filters them (never picks the latest itself).
    // Date bounds would change which result is latest, so a static page offers none (datesNote).
    const rows = await getJson('data/leaderboard.json');
    return rows.filter((r) => matches(r, { ...f, since: undefined, until: undefined })).map((r) => ({ ...r }));
  },
  async trends(models, measure, f) {
    if (!STATIC) return getJson(`/api/trends${query({ models: models.join(','), measure, chip: f.chip, since: f.since, until: f.until })}`);
    const [suite, name, metric] = measure.split('|');
    const points = await getJson('data/points.json');
    return models.map((model) => ({
      model,
      points: points
        .filter((p) => p.model === model && p.suite === suite && p.name === name && p.metric === metric && matches(p, { chip: f.chip, since: f.since, until: f.until }))
        .sort((a, b) => a.timestamp.localeCompare(b.timestamp)),
    }));
  },
  async runs(f) {
    if (!STATIC) return getJson(`/api/runs${query(f)}`);
    return (await getJson('data/runs.json')).filter((r) => matches(r, f));
  },
  run: (hash) => getJson(STATIC ? `data/runs/${hash}.json` : `/api/run/${hash}`),
};

// ---------- DOM helpers ----------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function fmt(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  const abs = Math.abs(value);
  return abs >= 1000 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : abs >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

const day = (ts) => (ts ? ts.slice(0, 16).replace('T', ' ') : '');

function filterBar(facets, f, fields, onChange) {
  const select = (key, label, options) =>
    h('label', {}, label, h('select', { name: key, onchange: (e) => onChange({ ...f, [key]: e.target.value }) },
      h('option', { value: '' }, 'all'), ...options.map((o) => h('option', { value: o, selected: f[key] === o }, o))));
  const date = (key, label) => h('label', {}, label, h('input', { type: 'date', name: key, value: f[key] || '', onchange: (e) => onChange({ ...f, [key]: e.target.value }) }));
  const parts = [];
  if (fields.includes('suite')) parts.push(select('suite', 'Suite', facets.suites));
  if (fields.includes('metric')) parts.push(select('metric', 'Metric', facets.metrics));
  if (fields.includes('chip')) parts.push(select('chip', 'Chip', facets.chips));
  if (fields.includes('quantization')) parts.push(select('quantization', 'Quantization', facets.quantizations));
  if (fields.includes('dates')) parts.push(date('since', 'From'), date('until', 'To'));
  return h('div', { class: 'filters' }, parts);
}

function sortableTable(columns, rows, rowAttrs = () => ({})) {
  const { key, dir } = state.sort;
  const col = columns.find((c) => c.key === key) || columns[0];
  const sorted = [...rows].sort((a, b) => {
    const x = col.sortValue ? col.sortValue(a) : a[col.key];
    const y = col.sortValue ? col.sortValue(b) : b[col.key];
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''))) * dir;
  });
  const head = h('tr', {}, columns.map((c) => h('th', {
    class: c.key === col.key ? 'sorted' : '', 'data-key': c.key, 'data-dir': dir > 0 ? '▲' : '▼',
    onclick: () => { state.sort = { key: c.key, dir: c.key === key ? -dir : 1 }; route(); },
  }, c.label)));
  const body = sorted.map((r) => h('tr', rowAttrs(r), columns.map((c) => h('td', { class: [c.num ? 'num' : '', c.cls || ''].join(' ').trim() }, c.render ? c.render(r) : fmt(r[c.key])))));
  return h('table', {}, h('thead', {}, head), h('tbody', {}, body));
}

// ---------- filters live in the URL hash, so views are linkable ----------
function currentFilters() {
  const [, q = ''] = location.hash.split('?');
  return Object.fromEntries(new URLSearchParams(q));
}
function go(path, params = {}) {
  location.hash = `${path}${query(params)}`;
}

function rankRows(rows) {
  const groups = new Map();
  for (const r of rows) {
    const k = [r.suite, r.name, r.metric].join('\u0000');
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  for (const g of groups.values()) {
    g.sort((a, b) => (a.better === 'higher' ? b.value - a.value : a.value - b.value));
    g.forEach((r, i) => (r.rank = i + 1));
  }
  return rows;
}

// ---------- views ----------
// Leaderboard and pivot filters. Date bounds change which result is latest: served mode only.
const BOARD_FILTERS = ['suite', 'metric', 'chip', 'quantization', ...(STATIC ? [] : ['dates'])];
const datesNote = () =>
  STATIC ? h('p', { class: 'muted', id: 'dates-note' }, 'Date ranges need the served viewer (nightshift viewer): they change which result is latest.') : null;

function betterCell(r) {
  const text = r.better === 'higher' ? '↑ higher' : '↓ lower';
  if (r.better_source !== 'guessed') return text;
  return h('span', { class: 'guessed', title: 'Guessed from the unit and name: this result has no "better" tag.' }, `${text}?`);
}

async function leaderboardView() {
  const f = currentFilters();
  const [facets, rows] = await Promise.all([api.facets(), api.leaderboard(f)]);
  rankRows(rows);
  if (!['rank', 'model', 'value', 'timestamp', 'suite', 'name'].includes(state.sort.key)) state.sort = { key: 'rank', dir: 1 };
  return [
    h('h2', {}, 'Leaderboard ', h('span', { class: 'muted' }, '— latest result per model, measurement and chip')),
    filterBar(facets, f, BOARD_FILTERS, (nf) => go('#/leaderboard', nf)),
    datesNote(),
    rows.length === 0 ? h('p', { class: 'muted', id: 'no-rows' }, 'No results match these filters.') :
    sortableTable([
      { key: 'suite', label: 'Suite' },
      { key: 'name', label: 'Measurement', render: (r) => `${r.name} · ${r.metric}`, sortValue: (r) => `${r.suite} ${r.name} ${r.metric} ${String(r.rank).padStart(5, '0')}` },
      { key: 'rank', label: '#', num: true, cls: 'rank', sortValue: (r) => `${r.suite} ${r.name} ${r.metric} ${String(r.rank).padStart(5, '0')}`, render: (r) => r.rank },
      { key: 'model', label: 'Model' },
      { key: 'quantization', label: 'Quant', render: (r) => r.quantization || '—' },
      { key: 'value', label: 'Value', num: true, render: (r) => `${fmt(r.value)} ${r.unit}` },
      { key: 'better', label: 'Better', render: betterCell },
      { key: 'chip', label: 'Chip' },
      { key: 'timestamp', label: 'Date', render: (r) => day(r.timestamp) },
      { key: 'envelope_hash', label: 'Run', render: (r) => h('a', { href: `#/run/${r.envelope_hash}`, class: 'run-link' }, r.envelope_hash.slice(0, 8)) },
    ], rows, (r) => ({ class: r.rank === 1 ? 'rank1 lb-row' : 'lb-row', 'data-model': r.model })),
  ];
}

async function trendsView() {
  const f = currentFilters();
  const facets = await api.facets();
  const measure = f.measure || facets.measures[0] || '';
  const models = (f.models ? f.models.split(',') : facets.models.slice(0, 5)).filter(Boolean);
  const picker = h('div', { class: 'models' }, facets.models.map((m) =>
    h('label', {}, h('input', { type: 'checkbox', value: m, checked: models.includes(m), onchange: (e) => {
      const next = new Set(models);
      if (e.target.checked) next.add(m); else next.delete(m);
      go('#/trends', { ...f, measure, models: [...next].join(',') });
    } }), ` ${m}`)));
  const measureSelect = h('label', {}, 'Measurement', h('select', { name: 'measure', onchange: (e) => go('#/trends', { ...f, measure: e.target.value, models: models.join(',') }) },
    facets.measures.map((m) => h('option', { value: m, selected: m === measure }, m.split('|').join(' · ')))));
  const canvas = h('canvas', { id: 'trend-chart' });
  const out = [h('h2', {}, 'Trends'), h('div', { class: 'filters' }, measureSelect), picker, h('div', { class: 'chart-box' }, canvas)];
  if (!measure || models.length === 0) return [...out.slice(0, 3), h('p', { class: 'muted' }, 'Pick a measurement and at least one model.')];
  const series = await api.trends(models, measure, f);
  queueMicrotask(() => drawChart(canvas, series, measure));
  return out;
}

function drawChart(canvas, series, measure) {
  window.__nightshift.charts.forEach((c) => c.destroy());
  const palette = ['#7aa2ff', '#3fb950', '#f0883e', '#d2a8ff', '#f85149', '#39c5cf', '#e3b341', '#8b949e'];
  const chart = new Chart(canvas, {
    type: 'line',
    data: {
      datasets: series.map((s, i) => ({
        label: s.model,
        data: s.points.map((p) => ({ x: Date.parse(p.timestamp), y: p.value })),
        borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], tension: 0.2,
      })),
    },
    options: {
      animation: false, maintainAspectRatio: false, parsing: false,
      scales: {
        x: { type: 'linear', ticks: { color: '#8b93a7', callback: (v) => { const t = new Date(v).toISOString(); return t.slice(11, 16) === '00:00' ? t.slice(0, 10) : `${t.slice(5, 10)} ${t.slice(11, 16)}`; } } },
        y: { ticks: { color: '#8b93a7' }, title: { display: true, text: measure.split('|').slice(1).join(' · '), color: '#8b93a7' } },
      },
      plugins: { legend: { labels: { color: '#e6e8ee' } } },
    },
  });
  canvas.dataset.series = String(chart.data.datasets.length);
  window.__nightshift.charts = [chart];
}

async function pivotView() {
  const f = currentFilters();
  const [facets, rows] = await Promise.all([api.facets(), api.leaderboard(f)]);
  const tasks = [...new Set(rows.map((r) => `${r.name} · ${r.metric}`))].sort();
  const models = [...new Set(rows.map((r) => r.model))].sort();
  const cell = new Map(rows.map((r) => [`${r.model}\u0000${r.name} · ${r.metric}`, r]));
  return [
    h('h2', {}, 'Model × task'),
    filterBar(facets, f, BOARD_FILTERS, (nf) => go('#/pivot', nf)),
    datesNote(),
    tasks.length === 0 ? h('p', { class: 'muted' }, 'No results match these filters.') :
    h('table', { id: 'pivot' }, h('thead', {}, h('tr', {}, h('th', {}, 'Model'), tasks.map((t) => h('th', {}, t)))),
      h('tbody', {}, models.map((m) => h('tr', {}, h('td', {}, m), tasks.map((t) => {
        const r = cell.get(`${m}\u0000${t}`);
        return h('td', { class: 'num' }, r ? h('a', { href: `#/run/${r.envelope_hash}` }, fmt(r.value)) : '—');
      }))))),
  ];
}

async function runsView() {
  const f = currentFilters();
  const [facets, runs] = await Promise.all([api.facets(), api.runs(f)]);
  const compare = h('button', { id: 'compare', disabled: state.selectedRuns.length !== 2, onclick: () => go(`#/compare/${state.selectedRuns[0]}/${state.selectedRuns[1]}`) }, 'Compare selected');
  const toggle = (hash, on) => {
    state.selectedRuns = state.selectedRuns.filter((x) => x !== hash);
    if (on) state.selectedRuns.push(hash);
    if (state.selectedRuns.length > 2) state.selectedRuns.shift();
    document.querySelectorAll('input.pick').forEach((el) => (el.checked = state.selectedRuns.includes(el.value)));
    compare.disabled = state.selectedRuns.length !== 2;
  };
  return [
    h('h2', {}, 'Runs'),
    filterBar(facets, f, ['suite', 'chip', 'quantization', 'dates'], (nf) => go('#/runs', nf)),
    h('p', {}, compare, h('span', { class: 'muted' }, ' pick two runs to compare')),
    runs.length === 0 ? h('p', { class: 'muted' }, 'No runs.') :
    h('table', { id: 'runs' }, h('thead', {}, h('tr', {}, ['', 'Date', 'Suite', 'Model', 'Quant', 'Chip', 'Results', 'Run'].map((t) => h('th', {}, t)))),
      h('tbody', {}, runs.map((r) => h('tr', { class: 'run-row' },
        h('td', {}, h('input', { type: 'checkbox', class: 'pick', value: r.envelope_hash, checked: state.selectedRuns.includes(r.envelope_hash), onchange: (e) => toggle(r.envelope_hash, e.target.checked) })),
        h('td', {}, day(r.timestamp)), h('td', {}, r.suite), h('td', {}, r.model), h('td', {}, r.quantization || '—'), h('td', {}, r.chip),
        h('td', { class: 'num' }, r.results), h('td', {}, h('a', { href: `#/run/${r.envelope_hash}` }, r.envelope_hash.slice(0, 8))))))),
  ];
}

function dl(obj) {
  return h('dl', {}, Object.entries(obj || {}).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))]));
}

async function runView(hash) {
  const run = await api.run(hash);
  const e = run.envelope;
  const scalars = Object.fromEntries(Object.entries(e).filter(([, v]) => typeof v !== 'object' || v === null));
  return [
    h('h2', {}, `${e.model} · ${e.suite}`, ' ', h('span', { class: 'muted' }, day(e.timestamp))),
    run.temporal ? h('p', {}, h('a', { href: run.temporal, id: 'temporal-link', target: '_blank', rel: 'noopener' }, 'Open this run in the Temporal Web UI')) : null,
    h('div', { class: 'grid' },
      h('div', { class: 'card' }, h('h3', {}, 'Run'), dl({ ...scalars, shard: run.shard })),
      h('div', { class: 'card' }, h('h3', {}, 'System'), dl(e.system)),
      h('div', { class: 'card' }, h('h3', {}, 'Generation settings'), e.gen_kwargs ? dl(e.gen_kwargs) : h('p', { class: 'muted' }, 'not recorded'))),
    h('h3', {}, 'Results'),
    h('table', { id: 'results' }, h('thead', {}, h('tr', {}, ['Name', 'Metric', 'Value', 'Unit', 'TTFT ms', 'Decode tok/s', 'Duration s', 'Peak RSS MB', 'Tags'].map((t) => h('th', {}, t)))),
      h('tbody', {}, e.results.map((r) => h('tr', {}, h('td', {}, r.name), h('td', {}, r.metric), h('td', { class: 'num' }, fmt(r.value)), h('td', {}, r.unit),
        h('td', { class: 'num' }, fmt(r.first_token_latency_ms)), h('td', { class: 'num' }, fmt(r.decode_tokens_per_second)), h('td', { class: 'num' }, fmt(r.duration_seconds)),
        h('td', { class: 'num' }, fmt(r.peak_rss_mb)), h('td', {}, Object.entries(r.tags || {}).map(([k, v]) => h('span', { class: 'tag' }, `${k}=${v}`))))))),
    h('h3', {}, 'Memory snapshots'),
    e.memory_snapshots && e.memory_snapshots.length ? h('table', { id: 'memory' }, h('thead', {}, h('tr', {}, ['Phase', 'RSS GB', 'Free GB', 'Wired GB', 'Swap MB'].map((t) => h('th', {}, t)))),
      h('tbody', {}, e.memory_snapshots.map((m) => h('tr', {}, h('td', {}, m.phase), h('td', { class: 'num' }, fmt(m.rss_gb)), h('td', { class: 'num' }, fmt(m.free_gb)), h('td', { class: 'num' }, fmt(m.wired_gb)), h('td', { class: 'num' }, fmt(m.swap_mb))))))
      : h('p', { class: 'muted' }, 'none recorded'),
    h('h3', {}, 'Errors'),
    e.errors && e.errors.length ? h('ul', { id: 'errors' }, e.errors.map((x) => h('li', {}, x))) : h('p', { class: 'muted' }, 'none'),
  ];
}

async function compareView(a, b) {
  const [ra, rb] = await Promise.all([api.run(a), api.run(b)]);
  const key = (r) => `${r.name}|${r.metric}`;
  const left = new Map(ra.envelope.results.map((r) => [key(r), r]));
  const right = new Map(rb.envelope.results.map((r) => [key(r), r]));
  const better = { ...rb.better, ...ra.better };
  const rows = [...new Set([...left.keys(), ...right.keys()])].map((k) => {
    const x = left.get(k), y = right.get(k), base = x || y;
    const delta = x && y ? y.value - x.value : null;
    const verdict = delta === null ? (x ? 'only in A' : 'only in B') : delta === 0 ? 'same' : (delta > 0) === (better[k] === 'higher') ? 'better' : 'worse';
    return { name: base.name, metric: base.metric, unit: base.unit, a: x ? x.value : null, b: y ? y.value : null, delta,
      pct: delta !== null && x.value !== 0 ? (delta / Math.abs(x.value)) * 100 : null, verdict };
  });
  const head = (r, label, hash) => h('div', { class: 'card' }, h('h3', {}, label, ' ', h('a', { href: `#/run/${hash}` }, hash.slice(0, 8))),
    dl({ model: r.envelope.model, suite: r.envelope.suite, date: r.envelope.timestamp, chip: r.envelope.system.chip, quantization: r.envelope.quantization || '—' }));
  return [
    h('h2', {}, 'Compare runs'),
    h('div', { class: 'grid' }, head(ra, 'A', a), head(rb, 'B', b)),
    h('table', { id: 'comparison' }, h('thead', {}, h('tr', {}, ['Name', 'Metric', 'A', 'B', 'Δ', 'Δ %', 'B vs A'].map((t) => h('th', {}, t)))),
      h('tbody', {}, rows.map((r) => h('tr', { class: `cmp-row ${r.verdict}` }, h('td', {}, r.name), h('td', {}, r.metric), h('td', { class: 'num' }, `${fmt(r.a)} ${r.unit}`),
        h('td', { class: 'num' }, `${fmt(r.b)} ${r.unit}`), h('td', { class: 'num' }, fmt(r.delta)), h('td', { class: 'num' }, r.pct === null ? '—' : `${r.pct > 0 ? '+' : ''}${r.pct.toFixed(1)}%`),
        h('td', { class: r.verdict === 'better' ? 'better' : r.verdict === 'worse' ? 'worse' : '' }, r.verdict))))),
  ];
}

// ---------- shell ----------
async function showStatus() {
  const notices = document.getElementById('notices');
  try {
    const s = await api.status();
    document.getElementById('status').textContent = `${s.shards} shards · ${s.rows} results${STATIC ? ' · static export' : ''}`;
    notices.replaceChildren();
    if (s.shards === 0) notices.append(h('div', { class: 'notice empty', id: 'empty-notice' }, 'The dataset is empty: no shards under data/ yet. Run a sweep (npm run demo) or nightshift publish, then reload.'));
    if (s.warnings.length) {
      notices.append(h('div', { class: 'notice', id: 'shard-warnings' }, `${s.warnings.length} shard(s) could not be shown; the rest are:`,
        h('ul', {}, s.warnings.map((w) => h('li', {}, `${w.file}: ${w.message}`)))));
    }
  } catch (error) {
    notices.replaceChildren(h('div', { class: 'notice' }, `Cannot reach the viewer API: ${error.message}`));
  }
}

async function route() {
  const [path] = location.hash.replace(/^#/, '').split('?');
  const parts = (path || '/leaderboard').split('/').filter(Boolean);
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === parts[0]));
  try {
    let content;
    if (parts[0] === 'trends') content = await trendsView();
    else if (parts[0] === 'pivot') content = await pivotView();
    else if (parts[0] === 'runs') content = await runsView();
    else if (parts[0] === 'run' && parts[1]) content = await runView(parts[1]);
    else if (parts[0] === 'compare' && parts[2]) content = await compareView(parts[1], parts[2]);
    else content = await leaderboardView();
    view.replaceChildren(...content.filter(Boolean));
  } catch (error) {
    view.replaceChildren(h('div', { class: 'notice' }, `Could not load this view: ${error.message}`));
  }
  document.body.dataset.ready = '1';
}

window.addEventListener('hashchange', route);
showStatus();
route();

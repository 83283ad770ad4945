// A local stand-in for the Hugging Face Hub's dataset commit API, as @huggingface/hub 2.x calls it:
//   POST /api/datasets/<owner>/<name>/paths-info/<rev>  {paths}        → [{path, type, oid, size}] for those present
//   POST /api/datasets/<owner>/<name>/preupload/<rev>   {files}        → every file "regular" (inline, no LFS)
//   POST /api/datasets/<owner>/<name>/commit/<rev>      NDJSON header + {key:"file", value:{path, content, encoding}}
// It checks bearer tokens (unknown → 401, read-only → 403 on writes), can fail the next N calls of a
// route with a given status (429/5xx retry tests), and records every request and every commit.
// Answering "regular" means the LFS/xet upload path of the library is not exercised here.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HubRoute = 'paths-info' | 'preupload' | 'commit';

export interface HubServerOptions {
  /** Tokens allowed to write. */
  writeTokens?: string[];
  /** Tokens allowed to read only (writes get 403). */
  readTokens?: string[];
  /** Repos that exist, `owner/name`; others answer 404. */
  repos?: string[];
}

export interface RecordedCommit {
  repo: string;
  branch: string;
  summary: string;
  files: Array<{ path: string; content: Buffer }>;
}

export interface HubServer {
  url: string;
  /** Every request: method, route, repo, status returned, and whether it carried a bearer token. */
  requests: Array<{ route: HubRoute | 'other'; repo: string; status: number; authorized: boolean }>;
  commits: RecordedCommit[];
  /** Files in each repo, `owner/name` → path → bytes. */
  files: Map<string, Map<string, Buffer>>;
  /** The next `times` calls of `route` answer `status` (with a JSON error body). */
  failNext(route: HubRoute, status: number, times?: number): void;
  /** Forgets requests, commits, files and pending failures (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startHubServer(options: HubServerOptions = {}): Promise<HubServer> {
  const writeTokens = new Set(options.writeTokens ?? ['hf_write_token']);
  const readTokens = new Set(options.readTokens ?? ['hf_read_token']);
  const repos = new Set(options.repos ?? ['nightshift/results']);
  const faults: Array<{ route: HubRoute; status: number }> = [];
  const state: Pick<HubServer, 'requests' | 'commits' | 'files'> = { requests: [], commits: [], files: new Map() };
  let commitCount = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: `hub stand-in failed: ${String(error)}` }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const match = /^\/api\/datasets\/([^/]+\/[^/]+)\/(paths-info|preupload|commit)\/([^/?]+)/.exec(req.url ?? '');
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const record = (route: HubRoute | 'other', repo: string, status: number) =>
      state.requests.push({ route, repo, status, authorized: auth !== undefined });
    if (!match || req.method !== 'POST') {
      record('other', '', 404);
      send(res, 404, { error: 'Not found' }); return;
    }
    const [, repo = '', routeName, branch = 'main'] = match;
    // The pattern matches only the three routes.
    const route = routeName as HubRoute;
    const fault = faults.findIndex((f) => f.route === route);
    if (fault >= 0) {
      const { status } = faults.splice(fault, 1)[0]!;
      record(route, repo, status);
      send(res, status, { error: `scripted failure ${status}` }); return;
    }
    if (!auth || !(writeTokens.has(auth) || readTokens.has(auth))) {
      record(route, repo, 401);
      send(res, 401, { error: 'Invalid credentials in Authorization header' }); return;
    }
    if (!repos.has(repo)) {
      record(route, repo, 404);
      send(res, 404, { error: 'Repository not found' }); return;
    }
    if (route !== 'paths-info' && !writeTokens.has(auth)) {
      record(route, repo, 403);
      send(res, 403, { error: 'You do not have write access to this repository' }); return;
    }
    const repoFiles = state.files.get(repo) ?? new Map<string, Buffer>();
    state.files.set(repo, repoFiles);
    record(route, repo, 200);
    if (route === 'paths-info') {
      const { paths } = JSON.parse(body.toString('utf8')) as { paths: string[] };
      send(res, 200, paths.filter((p) => repoFiles.has(p)).map((p) => ({ path: p, type: 'file', oid: sha1(repoFiles.get(p)!), size: repoFiles.get(p)!.length }))); return;
    }
    if (route === 'preupload') {
      const { files } = JSON.parse(body.toString('utf8')) as { files: Array<{ path: string }> };
      send(res, 200, { files: files.map((f) => ({ path: f.path, uploadMode: 'regular', shouldIgnore: false })) }); return;
    }
    const lines = body.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { key: string; value: Record<string, string> });
    const header = lines.find((l) => l.key === 'header');
    const files = lines
      .filter((l) => l.key === 'file')
      .map((l) => ({ path: String(l.value.path), content: Buffer.from(String(l.value.content), l.value.encoding === 'base64' ? 'base64' : 'utf8') }));
    for (const f of files) repoFiles.set(f.path, f.content);
    state.commits.push({ repo, branch, summary: header?.value.summary ?? '', files });
    const oid = createHash('sha1').update(String(++commitCount)).digest('hex');
    send(res, 200, { success: true, commitOid: oid, commitUrl: `${url}/datasets/${repo}/commit/${oid}` });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...state,
    url,
    failNext(route, status, times = 1) {
      for (let i = 0; i < times; i++) faults.push({ route, status });
    },
    reset() {
      faults.length = 0;
      state.requests.length = 0;
      state.commits.length = 0;
      state.files.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sha1(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

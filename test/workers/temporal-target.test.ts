// A host worker on another machine reaches a shared server or Temporal Cloud through Temporal's standard
// environment configuration: the API key and the mTLS client certificate reach both the worker's
// connection and the client connection, so docs/deploy.md's setup is what the code does.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConnectionOptions, temporalTarget } from '../../workers/temporal-target.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-target-'));
  await writeFile(join(dir, 'client.pem'), 'CERT');
  await writeFile(join(dir, 'client.key'), 'KEY');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('temporalTarget', () => {
  it('Temporal Cloud with an API key: address, namespace, key and TLS on', () => {
    const target = temporalTarget({ TEMPORAL_ADDRESS: 'lab.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'lab.a1b2c', TEMPORAL_API_KEY: 'secret' });
    expect(target).toMatchObject({ address: 'lab.a1b2c.tmprl.cloud:7233', namespace: 'lab.a1b2c' });
    expect(target.connectionOptions).toMatchObject({ apiKey: 'secret', tls: true });
    expect(clientConnectionOptions(target)).toEqual({ address: 'lab.a1b2c.tmprl.cloud:7233', apiKey: 'secret', tls: true });
  });

  it('a shared server with mTLS: the client certificate pair reaches both connections', () => {
    const target = temporalTarget({ TEMPORAL_ADDRESS: 'temporal.lan:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'client.pem'), TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'client.key') });
    const tls = clientConnectionOptions(target).tls as { clientCertPair: { crt: Uint8Array; key: Uint8Array } };
    expect(Buffer.from(tls.clientCertPair.crt).toString()).toBe('CERT');
    expect(Buffer.from(tls.clientCertPair.key).toString()).toBe('KEY');
    expect(target.connectionOptions.tls).toEqual(tls);
  });

  it('nothing set: the local dev server', () => {
    expect(temporalTarget({})).toMatchObject({ address: 'localhost:7233', namespace: 'default' });
  });
});

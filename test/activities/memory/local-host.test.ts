// Which endpoints are on this machine (their server's memory can be sampled here): loopback, the
// unspecified address a server binds to, this machine's own addresses and name — not another host.
import { hostname, networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isLocalHost } from '../../../activities/memory/probe.js';

describe('isLocalHost', () => {
  it('takes loopback, 0.0.0.0 and ::, this machine\'s addresses and name', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', '0.0.0.0', '[::]', hostname(), hostname().toUpperCase()]) expect(isLocalHost(h), h).toBe(true);
    const own = Object.values(networkInterfaces()).flatMap((l) => l ?? []).map((a) => a.address);
    for (const address of own) expect(isLocalHost(address.includes(':') ? `[${address}]` : address), address).toBe(true);
  });

  it('refuses another host', () => {
    for (const h of ['192.0.2.10', 'studio.example', '[2001:db8::1]']) expect(isLocalHost(h), h).toBe(false);
  });
});

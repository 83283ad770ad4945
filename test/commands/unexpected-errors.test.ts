// An error the CLI did not expect still says why: every cause's message, once, and no stack unless
// NIGHTSHIFT_DEBUG asks for it.
import { describe, expect, it } from 'vitest';
import { causeChain } from '../../client/cli.js';

describe('causeChain', () => {
  it('joins the causes, where Temporal puts the reason a start failed', () => {
    const grpc = new Error('3 INVALID_ARGUMENT: WorkflowId length exceeds limit.');
    expect(causeChain(new Error('Failed to start Workflow', { cause: grpc }))).toBe('Failed to start Workflow: 3 INVALID_ARGUMENT: WorkflowId length exceeds limit.');
  });

  it('says each message once and survives odd values', () => {
    const inner = new Error('socket hang up');
    expect(causeChain(new Error('request failed: socket hang up', { cause: inner }))).toBe('request failed: socket hang up');
    expect(causeChain('plain text')).toBe('plain text');
    expect(causeChain(new Error(''))).toBe('no message');
    const loop = new Error('a');
    (loop as { cause?: unknown }).cause = loop;
    expect(causeChain(loop)).toBe('a');
  });
});

import { describe, expect, it } from 'vitest';
import { createForwarder, type PushSummary } from '../../platform/index.ts';
import { createSlots } from '../../platform/transport/slots.ts';
import { until } from './processes.ts';

const summary = (failed: PushSummary['failed'] = []): PushSummary => ({
  node: '650100',
  parent: '650000',
  batches: [],
  upToDate: [],
  failed,
  deadLetters: 0,
  rows: 0,
  summariesSent: false,
  seconds: 0,
});

describe('per-child concurrency cap', () => {
  it('refuses the request over the cap with 429 and frees the slot when one finishes', () => {
    const slots = createSlots(2);
    const a = slots.take('650102');
    slots.take('650102');
    expect(() => slots.take('650102')).toThrow(
      expect.objectContaining({ status: 429, code: 'platform-too-many-requests' }),
    );
    expect(slots.take('650103')).toBeTypeOf('function');
    a();
    a();
    expect(slots.inFlight('650102')).toBe(1);
    expect(slots.take('650102')).toBeTypeOf('function');
  });
});

describe('the node service forwarder', () => {
  it('retries a failed push with a doubling delay up to the cap, coalesces requests, and resets after success', async () => {
    const calls: number[] = [];
    let outcome: 'fail' | 'batch-failed' | 'ok' = 'fail';
    const f = createForwarder({
      parent: '650000',
      firstRetryMs: 20,
      maxRetryMs: 50,
      push: async () => {
        calls.push(Date.now());
        await new Promise((r) => setTimeout(r, 5));
        if (outcome === 'fail') throw new Error('parent unreachable');
        return summary(
          outcome === 'batch-failed'
            ? [{ batch: 'b', dataset: 'hukou', dead: false, code: null, reason: '500' }]
            : [],
        );
      },
    });
    f.request();
    f.request(); // coalesced with the running push
    await until('four push attempts', () => calls.length >= 4);
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    expect(calls.length).toBeGreaterThanOrEqual(4);
    // At least 20, then 40 ms apart (timers never fire early; a busy machine only makes the gaps longer).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    outcome = 'batch-failed';
    const before = calls.length;
    // A batch that failed with a signed 5xx is retried too.
    await until('a retry of the failed batch', () => calls.length > before);
    outcome = 'ok';
    await until('the forwarder idle', () => !f.busy());
    const settled = calls.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(calls.length).toBe(settled);
    expect(f.busy()).toBe(false);
    await f.stop();
  });
});

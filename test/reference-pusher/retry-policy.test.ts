// The reconnect policy bench extension (create.params.retry): legal values within the spec's
// ranges, every illegal one named with what is legal, and the driver failing create with it.
// Spec: context-api.md "Status codes" (3 retries 3 s apart; 1-10 retries, 3-30 s; web 1 s).
import { describe, expect, it } from 'vitest';
import { DriverSession, type Outgoing } from '../../reference-pusher/driver.ts';
import { DEFAULT_RETRY_POLICY, parseRetryPolicy } from '../../reference-pusher/retry-policy.ts';

describe('parseRetryPolicy', () => {
  it('takes count and intervalMs within the spec ranges, defaults for what is left out', () => {
    expect(parseRetryPolicy({ count: 5, intervalMs: 1000 })).toEqual({ policy: { count: 5, intervalMs: 1000 } });
    expect(parseRetryPolicy({})).toEqual({ policy: DEFAULT_RETRY_POLICY });
    expect(DEFAULT_RETRY_POLICY).toEqual({ count: 3, intervalMs: 3000 });
  });

  it('names the key, the value and what is legal', () => {
    const problem = (v: unknown) => {
      const r = parseRetryPolicy(v);
      return 'problem' in r ? r.problem : '';
    };
    expect(problem({ count: 0 })).toMatch(/retry\.count.*0.*from 1 to 10/);
    expect(problem({ count: 2.5 })).toMatch(/retry\.count/);
    expect(problem({ intervalMs: 500 })).toMatch(/retry\.intervalMs.*500.*from 1000 to 30000/);
    expect(problem({ intervalMs: '3000' })).toMatch(/retry\.intervalMs/);
    expect(problem({ count: 3, tries: 2 })).toMatch(/unknown key\(s\) tries/);
    expect(problem([3])).toMatch(/must be an object/);
  });
});

describe('DriverSession create with retry', () => {
  it('fails create with the problem, and creates with a legal policy', async () => {
    const sent: Outgoing[] = [];
    const session = new DriverSession((m) => sent.push(m));
    await session.handleLine(JSON.stringify({ id: 1, method: 'create', params: { attrs: {}, retry: { count: 11 } } }));
    expect(sent[0]).toMatchObject({ id: 1, error: { errMsg: expect.stringMatching(/^create:fail "retry\.count" 11 is not legal/) } });
    await session.handleLine(JSON.stringify({ id: 2, method: 'create', params: { attrs: {}, retry: { count: 2, intervalMs: 3000 } } }));
    expect(sent[1]).toMatchObject({ id: 2, result: { errMsg: 'create:ok' } });
    await session.dispose();
  });
});

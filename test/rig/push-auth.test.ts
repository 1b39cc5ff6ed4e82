// The rig's publish authentication (rig/load.ts server.query / server.credentials): loaded for
// both server kinds, refused with the key named when malformed, and applied to push urls by
// withPushAuth().
import { describe, expect, it } from 'vitest';
import { RigError, validateRig, withPushAuth } from '../../rig/load.ts';

const RIG_FILE = '/x/rig.yaml';

describe('server.query and server.credentials', () => {
  it('are kept for the embedded and the external server', () => {
    expect(validateRig({ server: { kind: 'embedded', query: 'txSecret=a1&txTime=2', credentials: 'u:p' } }, RIG_FILE).server).toEqual({
      kind: 'embedded',
      query: 'txSecret=a1&txTime=2',
      credentials: 'u:p',
    });
    expect(validateRig({ server: { kind: 'external', url: 'rtmp://h:1935/live', query: 'sign=x' } }, RIG_FILE).server).toEqual({
      kind: 'external',
      url: 'rtmp://h:1935/live',
      query: 'sign=x',
    });
  });

  it.each([
    [{ kind: 'embedded', query: '?txSecret=a' }, 'server.query', 'a query string without ?'],
    [{ kind: 'embedded', query: 'a b' }, 'server.query', 'a query string without ?'],
    [{ kind: 'embedded', credentials: 'nocolon' }, 'server.credentials', 'user:password'],
    [{ kind: 'embedded', credentials: 'u:p@h' }, 'server.credentials', 'user:password'],
    [{ kind: 'embedded', token: 'x' }, 'server.token', 'legal keys: kind, query, credentials'],
  ])('refuses %j naming %s', (server, key, legal) => {
    let err: unknown;
    try {
      validateRig({ server }, RIG_FILE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RigError);
    expect((err as RigError).key).toBe(key);
    expect((err as Error).message).toContain(legal);
  });
});

describe('withPushAuth', () => {
  it('puts the credentials in the authority and appends the query', () => {
    expect(withPushAuth('rtmp://127.0.0.1:1935/live/s1', { query: 'txSecret=a&txTime=b', credentials: 'u:p' })).toBe(
      'rtmp://u:p@127.0.0.1:1935/live/s1?txSecret=a&txTime=b',
    );
    expect(withPushAuth('rtmp://h/live/s1?x=1', { query: 'sign=z' })).toBe('rtmp://h/live/s1?x=1&sign=z');
    expect(withPushAuth('rtmp://h/live/s1', {})).toBe('rtmp://h/live/s1');
  });
});

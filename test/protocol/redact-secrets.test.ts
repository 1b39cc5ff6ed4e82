// The secret redactor (protocol/redact-secrets.ts) on texts with known secrets: stream keys of
// rtmp URLs, txSecret / txTime and other signature, token, key and password parameters,
// user:password credentials, remembered secrets outside any URL; and what it must leave alone.
import { afterEach, describe, expect, it } from 'vitest';
import {
  forgetSecrets,
  MIN_REMEMBERED_SECRET,
  REDACTED,
  redactSecrets,
  redactSecretsInBytes,
  rememberSecrets,
  rememberUrlSecrets,
  secretsOfUrl,
} from '../../protocol/redact-secrets.ts';

const PUSH = 'rtmp://alice:s3cr3tPw@push.example.com:1935/live/streamKEY42?txSecret=ab12cd34ef&txTime=65A0B1C2&bizid=7';

afterEach(() => forgetSecrets());

describe('redactSecrets', () => {
  it('redacts the stream key, signature parameters and credentials of an rtmp URL, keeping host, app and harmless parameters', () => {
    expect(redactSecrets(`pushing to ${PUSH} now`)).toBe(
      `pushing to rtmp://${REDACTED}@push.example.com:1935/live/${REDACTED}?txSecret=${REDACTED}&txTime=${REDACTED}&bizid=7 now`,
    );
  });

  it('keeps an app-only URL and the instance of app/instance/key', () => {
    expect(redactSecrets('rtmp://h:1935/live')).toBe('rtmp://h:1935/live');
    expect(redactSecrets('rtmp://h/app/inst/key1234')).toBe(`rtmp://h/app/inst/${REDACTED}`);
    expect(redactSecrets('rtmps://h/live/key1234/')).toBe(`rtmps://h/live/${REDACTED}/`);
  });

  it('leaves sentence punctuation after a URL outside it', () => {
    expect(redactSecrets('failed (rtmp://h/live/abcd1234).')).toBe(`failed (rtmp://h/live/${REDACTED}).`);
  });

  it('redacts secret-named parameters in http URLs and in text without a scheme, not other parameters', () => {
    expect(redactSecrets('https://u:p@api.example.com/v1/x?token=t0k3n&page=2&api_key=K&sign=zz')).toBe(
      `https://${REDACTED}@api.example.com/v1/x?token=${REDACTED}&page=2&api_key=${REDACTED}&sign=${REDACTED}`,
    );
    expect(redactSecrets('publish /live/abc?txSecret=deadbeef&txTime=1 by 1.2.3.4')).toBe(`publish /live/abc?txSecret=${REDACTED}&txTime=${REDACTED} by 1.2.3.4`);
    expect(redactSecrets('frames=30&fps=15 keyframe every 2 s')).toBe('frames=30&fps=15 keyframe every 2 s');
  });

  it('redacts inside JSON without breaking it', () => {
    const json = JSON.stringify({ attrs: { url: PUSH }, note: 'x' });
    const out = redactSecrets(json);
    expect(JSON.parse(out)).toEqual({ attrs: { url: `rtmp://${REDACTED}@push.example.com:1935/live/${REDACTED}?txSecret=${REDACTED}&txTime=${REDACTED}&bizid=7` }, note: 'x' });
  });

  it('is idempotent', () => {
    const once = redactSecrets(PUSH);
    expect(redactSecrets(once)).toBe(once);
  });

  it('redacts remembered secrets wherever they appear, decoded forms included, longest first', () => {
    rememberUrlSecrets('rtmp://bob:pa%20ss@h/live/KEY-9f8e7d?txSecret=abcdef12');
    const text = 'driver: stream KEY-9f8e7d opened; signature abcdef12; user bob; password pa ss';
    expect(redactSecrets(text)).toBe(`driver: stream ${REDACTED} opened; signature ${REDACTED}; user bob; password ${REDACTED}`);
    rememberSecrets(['abcd', 'abcdXYZW']);
    expect(redactSecrets('abcdXYZW')).toBe(REDACTED);
  });

  it('treats remembered secrets as literal text, regular-expression characters included', () => {
    rememberSecrets(['k+e.y(1)|*']);
    expect(redactSecrets('a k+e.y(1)|* b ke.y1')).toBe(`a ${REDACTED} b ke.y1`);
  });

  it('ignores remembered secrets shorter than the minimum (they would wreck ordinary text)', () => {
    rememberSecrets(['a'.repeat(MIN_REMEMBERED_SECRET - 1)]);
    expect(redactSecrets('aaa bbb')).toBe('aaa bbb');
  });
});

describe('secretsOfUrl', () => {
  it('lists user, password, stream key and secret parameter values', () => {
    expect(secretsOfUrl(PUSH).sort()).toEqual(['65A0B1C2', 'ab12cd34ef', 'alice', 's3cr3tPw', 'streamKEY42'].sort());
  });
  it('returns nothing for text that is not a URL', () => {
    expect(secretsOfUrl('not a url')).toEqual([]);
  });
});

describe('redactSecretsInBytes', () => {
  it('redacts UTF-8 text and returns other bytes untouched', () => {
    const out = redactSecretsInBytes(new TextEncoder().encode(`x ${PUSH}`));
    expect(new TextDecoder().decode(out)).not.toContain('s3cr3tPw');
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00);
    expect(redactSecretsInBytes(png)).toBe(png);
  });
});

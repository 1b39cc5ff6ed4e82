// Toy checks for the framework's own end-to-end test (test/conformance/framework/run.test.ts):
// one of each outcome — passed, failed (assertion), failed (unexpected fail payload), broken
// (driver dies), skipped (capability missing) and skipped (not applicable at run time).
import { expect } from 'vitest';
import { check } from '../../../../conformance/check.ts';

const PUBLISH_TIMEOUT_MS = 10_000;

check(
  {
    id: 'toy/push/publishes',
    area: 'context',
    feature: 'start',
    story: 'publishes',
    severity: 'critical',
    spec: 'context-api.md start',
    specRows: ['method:start', 'status:1002'],
    tolerance: 'publish within 10 s',
  },
  async ({ iut, server, streamName, streamUrl, attach, log }) => {
    await iut.create({ url: streamUrl });
    await iut.call('start');
    await iut.waitForStatus(1002, PUBLISH_TIMEOUT_MS);
    await server.waitForPublish(streamName, PUBLISH_TIMEOUT_MS);
    log(`published ${streamUrl}`);
    await attach('evidence note', 'text/plain', `stream ${streamName} was published`);
    await iut.call('stop');
  },
);

check(
  { id: 'toy/status/9999', area: 'status-codes', feature: '9999', story: 'emitted', spec: 'toy: a code nobody emits', specRows: ['status:1001'] },
  async ({ iut, streamUrl }) => {
    await iut.create({ url: streamUrl });
    await iut.call('start');
    await iut.waitForStatus(1001, PUBLISH_TIMEOUT_MS);
    expect(iut.events('statechange').map((e) => (e.detail as { code: number }).code)).toContain(9999);
  },
);

check({ id: 'toy/fail-payload', area: 'error-codes', feature: 'fail', story: 'unexpected', spec: 'toy: fail payload' }, async ({ iut }) => {
  await iut.call('fail');
});

check({ id: 'toy/driver/dies', area: 'events', feature: 'crash', story: 'dies', spec: 'toy: driver death' }, async ({ iut }) => {
  await iut.call('crash');
});

check(
  { id: 'toy/requires/teleport', area: 'context', feature: 'teleport', story: 'any', spec: 'toy: missing method', requires: { methods: ['teleport'], attributes: ['url'] } },
  async () => {
    throw new Error('a check whose capability is missing must not run');
  },
);

check({ id: 'toy/not-applicable', area: 'attributes', feature: 'device-position', story: 'back', spec: 'toy: rig lacks a back camera' }, async ({ notApplicable }) => {
  notApplicable('the rig has no v4l2 back camera');
});

// Toy checks for the rig-requirement test (test/conformance/framework/gating.test.ts "rig
// requirements"): one needing the synthetic microphone and a non-core method, one needing only
// the non-core method. Requirements are evaluated before any IUT of the check is spawned.
import { check } from '../../../../conformance/check.ts';

check(
  {
    id: 'gate/rig/synthetic-microphone',
    area: 'attributes',
    feature: 'muted',
    story: 'false',
    spec: 'toy: needs the synthetic microphone and the non-core method snapshot',
    specRows: ['attribute:muted=false'],
    requires: { methods: ['snapshot'], rig: ['synthetic-microphone'] },
  },
  async ({ iut }) => {
    await iut.create({ muted: false });
  },
);

check(
  { id: 'gate/rig/snapshot-only', area: 'context', feature: 'snapshot', story: 'any', spec: 'toy: needs snapshot', specRows: ['method:snapshot'], requires: { methods: ['snapshot'] } },
  async ({ iut }) => {
    await iut.call('snapshot');
  },
);

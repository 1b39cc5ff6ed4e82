// Toy checks for the capability gating test (test/conformance/framework/gating.test.ts), run
// against test/conformance/drivers/claims-driver.mjs: one needing only core names (it must run
// whatever the IUT claims), one needing a non-core attribute and one a non-core method (skipped
// unless claimed exactly as the spec spells them).
import { check } from '../../../../conformance/check.ts';

check(
  {
    id: 'gate/core/netstatus-fps',
    area: 'core',
    feature: 'gating',
    story: 'core names',
    spec: 'toy: needs the core event netstatus and attribute fps',
    specRows: ['event:netstatus', 'attribute:fps'],
    requires: { events: ['netstatus'], attributes: ['fps'], methods: ['start'] },
  },
  async ({ iut }) => {
    await iut.create({ fps: 15 });
  },
);

check(
  { id: 'gate/non-core/mirror', area: 'attributes', feature: 'mirror', story: 'true', spec: 'toy: needs mirror', specRows: ['attribute:mirror=true'], requires: { attributes: ['mirror'] } },
  async ({ iut }) => {
    await iut.create({ mirror: true });
  },
);

check(
  { id: 'gate/non-core/snapshot', area: 'context', feature: 'snapshot', story: 'any', spec: 'toy: needs snapshot', specRows: ['method:snapshot'], requires: { methods: ['snapshot'] } },
  async ({ iut }) => {
    await iut.call('snapshot');
  },
);

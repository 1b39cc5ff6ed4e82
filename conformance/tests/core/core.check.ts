// The driver protocol's core: every IUT claims, in its hello, the core attributes (live-pusher.zh.md
// 通用属性 url, mode, autopush, muted, enable-camera, enable-mic, min-bitrate, max-bitrate, fps,
// orientation), the events bindstatechange / bindnetstatus / binderror and the LivePusherContext
// methods start / stop (context-api.md). A missing core name fails here, naming it; the checks
// that need it still run (core names never make a check skip). Claims are judged exactly as
// written: a name claimed twice, or one the spec does not have (a case or whitespace variant of a
// spec name included), also fails, since such a claim would let an IUT look capable while the
// checks gated on the real name skip.
import { check } from '../../check.ts';
import { capabilityProblems, CORE_CAPABILITIES, describeCapabilityProblems } from '../../core-capabilities.ts';
import { fail } from '../support/expect.ts';

const CORE_IN_WORDS = `attributes ${CORE_CAPABILITIES.attributes.join(', ')}; methods ${CORE_CAPABILITIES.methods.join(', ')}; events ${CORE_CAPABILITIES.events.join(', ')}`;

check(
  {
    id: 'conformance/core',
    area: 'core',
    feature: 'hello capabilities',
    story: 'claims the core',
    severity: 'blocker',
    spec: 'live-pusher.zh.md 通用属性 (url, mode, autopush, muted, enable-camera, enable-mic, min-bitrate, max-bitrate, fps, orientation), bindstatechange, bindnetstatus, binderror; context-api.md LivePusherContext.start, stop',
    tolerance: `none: every core name claimed exactly once, spelled as the spec spells it (${CORE_IN_WORDS}); no name the spec does not have`,
  },
  async ({ hello, attach }) => {
    await attach('hello capabilities', 'application/json', JSON.stringify(hello.capabilities, null, 2));
    const problems = describeCapabilityProblems(capabilityProblems(hello.capabilities));
    if (problems.length) fail(`IUT ${hello.name} ${hello.version} hello capabilities: ${problems.join(' | ')}`);
  },
);

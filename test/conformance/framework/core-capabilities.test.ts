// The driver protocol core as data, the judgement of hello claims (missing core, duplicates,
// look-alike and unknown names) and capability gating that never skips a check for a core name.
import { describe, expect, it } from 'vitest';
import { missingCapabilities } from '../../../conformance/check.ts';
import { capabilityProblems, CORE_CAPABILITIES, describeCapabilityProblems, inconsistentHellos, isCoreCapability, SPEC_CAPABILITY_NAMES } from '../../../conformance/core-capabilities.ts';
import { CAPABILITIES as REFERENCE_CAPABILITIES } from '../../../reference-pusher/driver.ts';

const core = () => ({ attributes: [...CORE_CAPABILITIES.attributes], methods: [...CORE_CAPABILITIES.methods], events: [...CORE_CAPABILITIES.events] });

describe('the core', () => {
  it('is the issue list, every name a spec name', () => {
    expect(CORE_CAPABILITIES.events).toEqual(['statechange', 'netstatus', 'error']);
    expect(CORE_CAPABILITIES.methods).toEqual(['start', 'stop']);
    expect([...CORE_CAPABILITIES.attributes].sort()).toEqual(
      ['url', 'mode', 'autopush', 'muted', 'enable-camera', 'enable-mic', 'min-bitrate', 'max-bitrate', 'fps', 'orientation'].sort(),
    );
    for (const kind of ['attributes', 'methods', 'events'] as const) {
      for (const name of CORE_CAPABILITIES[kind]) expect(SPEC_CAPABILITY_NAMES[kind], name).toContain(name);
    }
    expect(isCoreCapability('events', 'netstatus')).toBe(true);
    expect(isCoreCapability('attributes', 'mirror')).toBe(false);
  });

  it('the reference driver claims sound capabilities', () => {
    expect(describeCapabilityProblems(capabilityProblems(REFERENCE_CAPABILITIES))).toEqual([]);
  });
});

describe('capabilityProblems', () => {
  it('claiming exactly the core is sound', () => {
    expect(describeCapabilityProblems(capabilityProblems(core()))).toEqual([]);
  });

  it('names every missing core capability by kind', () => {
    const caps = { ...core(), events: ['statechange', 'error'], attributes: core().attributes.filter((a) => a !== 'fps' && a !== 'url') };
    const problems = capabilityProblems(caps);
    expect(problems.find((p) => p.kind === 'events')!.missingCore).toEqual(['netstatus']);
    expect(problems.find((p) => p.kind === 'attributes')!.missingCore).toEqual(['url', 'fps']);
    expect(describeCapabilityProblems(problems)).toEqual(['attributes: the core attributes url, fps are not claimed', 'events: the core events netstatus are not claimed']);
  });

  it('claiming nothing names the whole core', () => {
    const lines = describeCapabilityProblems(capabilityProblems({ attributes: [], methods: [], events: [] }));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('methods: the core methods start, stop are not claimed');
  });

  it('a name claimed twice is a problem, reported once', () => {
    const caps = { ...core(), methods: ['start', 'stop', 'start', 'start'] };
    expect(capabilityProblems(caps).find((p) => p.kind === 'methods')!.duplicated).toEqual(['start']);
    expect(describeCapabilityProblems(capabilityProblems(caps))).toEqual(['methods: claimed more than once: "start"']);
  });

  it('case or whitespace variants claim nothing and say which spec name they resemble', () => {
    const caps = { ...core(), attributes: [...core().attributes.filter((a) => a !== 'fps'), 'FPS', ' mirror', 'Mirror'] };
    const attrs = capabilityProblems(caps).find((p) => p.kind === 'attributes')!;
    expect(attrs.missingCore).toEqual(['fps']);
    expect(attrs.unknown).toEqual([
      { claimed: 'FPS', resembles: 'fps' },
      { claimed: ' mirror', resembles: 'mirror' },
      { claimed: 'Mirror', resembles: 'mirror' },
    ]);
    expect(describeCapabilityProblems([attrs])[0]).toContain('"FPS" (the spec name is "fps")');
  });

  it('a name the spec does not have at all is listed without a resemblance', () => {
    const caps = { ...core(), events: [...core().events, 'teleport'] };
    expect(capabilityProblems(caps).find((p) => p.kind === 'events')!.unknown).toEqual([{ claimed: 'teleport' }]);
  });
});

describe('missingCapabilities (gating)', () => {
  const nothing = { attributes: [], methods: [], events: [] };

  it('never counts a core name as missing, even when nothing is claimed', () => {
    expect(missingCapabilities({ events: ['netstatus', 'statechange'], attributes: ['fps', 'url'], methods: ['start', 'stop'] }, nothing)).toBe('');
  });

  it('counts non-core names not claimed exactly, and only those', () => {
    const caps = { attributes: ['Mirror', ' remote-mirror '], methods: [], events: [] };
    expect(missingCapabilities({ attributes: ['fps', 'mirror', 'remote-mirror'], methods: ['start', 'snapshot'] }, caps)).toBe('attributes mirror, remote-mirror; methods snapshot');
  });

  it('a claimed non-core name is not missing', () => {
    expect(missingCapabilities({ attributes: ['mirror'], events: ['bgmstart'] }, { attributes: ['mirror'], methods: [], events: ['bgmstart'] })).toBe('');
  });
});

describe('inconsistentHellos', () => {
  const hello = (events: string[]) => ({ name: 'x', version: '1', capabilities: { ...core(), events } });

  it('is empty for one answer repeated, whatever the order of names', () => {
    expect(inconsistentHellos([hello(['statechange', 'netstatus', 'error']), hello(['error', 'netstatus', 'statechange'])])).toBe('');
    expect(inconsistentHellos([])).toBe('');
  });

  it('names the different answers when claims change between checks', () => {
    const msg = inconsistentHellos([hello(['statechange', 'netstatus', 'error']), hello(['statechange', 'netstatus', 'error', 'bgmstart']), hello(['statechange', 'netstatus', 'error'])]);
    expect(msg).toContain('answered hello in 2 different ways');
    expect(msg).toContain('events: bgmstart, error, netstatus, statechange');
  });

  it('a changed name or version counts too', () => {
    expect(inconsistentHellos([hello([]), { ...hello([]), version: '2' }])).toContain('2 different ways');
  });
});

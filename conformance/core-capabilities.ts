// The driver protocol's core (live-pusher.zh.md 通用属性 url, mode, autopush, muted,
// enable-camera, enable-mic, min-bitrate, max-bitrate, fps, orientation; bindstatechange,
// bindnetstatus, binderror; context-api.md LivePusherContext.start / stop): what every IUT must
// claim in its hello. Capability gating never skips a check for a core name (the check runs and
// fails if the behaviour is missing); the check conformance/core fails an IUT whose claims lack a
// core name, name one twice, or use a name the spec does not have (a case or whitespace variant
// of a spec name claims nothing, so it cannot be used to look capable while skipping checks).
// A hello that changes from one check's IUT process to the next is an error of the run.
import { ATTRIBUTE_NAMES, EVENT_TYPES, METHOD_NAMES, type AttributeName, type EventType, type MethodName } from '../spec/index.ts';

export const CAPABILITY_KINDS = ['attributes', 'methods', 'events'] as const;
export type CapabilityKind = (typeof CAPABILITY_KINDS)[number];
export type CapabilityLists = Record<CapabilityKind, readonly string[]>;

export const CORE_CAPABILITIES: { attributes: readonly AttributeName[]; methods: readonly MethodName[]; events: readonly EventType[] } = {
  attributes: ['url', 'mode', 'autopush', 'muted', 'enable-camera', 'enable-mic', 'min-bitrate', 'max-bitrate', 'fps', 'orientation'],
  methods: ['start', 'stop'],
  events: ['statechange', 'netstatus', 'error'],
};

/** The spec's names of each kind: the only names a claim can mean. */
export const SPEC_CAPABILITY_NAMES: Record<CapabilityKind, readonly string[]> = {
  attributes: ATTRIBUTE_NAMES,
  methods: METHOD_NAMES,
  events: EVENT_TYPES,
};

const coreSets: Record<CapabilityKind, ReadonlySet<string>> = {
  attributes: new Set(CORE_CAPABILITIES.attributes),
  methods: new Set(CORE_CAPABILITIES.methods),
  events: new Set(CORE_CAPABILITIES.events),
};

export function isCoreCapability(kind: CapabilityKind, name: string): boolean {
  return coreSets[kind].has(name);
}

/** What is wrong with one kind of claims; empty lists when nothing is. */
export interface CapabilityProblems {
  kind: CapabilityKind;
  /** Core names not claimed (exactly). */
  missingCore: string[];
  /** Names claimed more than once. */
  duplicated: string[];
  /** Claimed names the spec does not have, each with the spec name it resembles (if any). */
  unknown: { claimed: string; resembles?: string }[];
}

function canonical(name: string): string {
  return name.trim().toLowerCase();
}

/** Checks the claims of each kind against the core and the spec's names. */
export function capabilityProblems(caps: CapabilityLists): CapabilityProblems[] {
  return CAPABILITY_KINDS.map((kind) => {
    const claimed = caps[kind];
    const specNames = SPEC_CAPABILITY_NAMES[kind];
    const known = new Set(specNames);
    const byCanonical = new Map(specNames.map((n) => [canonical(n), n]));
    const seen = new Set<string>();
    const duplicated = new Set<string>();
    for (const name of claimed) {
      if (seen.has(name)) duplicated.add(name);
      seen.add(name);
    }
    const unknown = [...seen]
      .filter((name) => !known.has(name))
      .map((claimedName) => {
        const resembles = byCanonical.get(canonical(claimedName));
        return resembles ? { claimed: claimedName, resembles } : { claimed: claimedName };
      });
    return { kind, missingCore: CORE_CAPABILITIES[kind].filter((n) => !seen.has(n)), duplicated: [...duplicated], unknown };
  });
}

/** The problems in words, one line per kind with a problem; [] when the claims are sound. */
export function describeCapabilityProblems(problems: readonly CapabilityProblems[]): string[] {
  const lines: string[] = [];
  for (const p of problems) {
    const parts: string[] = [];
    if (p.missingCore.length) parts.push(`the core ${p.kind} ${p.missingCore.join(', ')} are not claimed`);
    if (p.duplicated.length) parts.push(`claimed more than once: ${p.duplicated.map((n) => JSON.stringify(n)).join(', ')}`);
    if (p.unknown.length) {
      const names = p.unknown.map((u) => (u.resembles ? `${JSON.stringify(u.claimed)} (the spec name is ${JSON.stringify(u.resembles)})` : JSON.stringify(u.claimed)));
      parts.push(`not spec names, so they claim nothing: ${names.join(', ')}`);
    }
    if (parts.length) lines.push(`${p.kind}: ${parts.join('; ')}`);
  }
  return lines;
}

/** One hello answer as recorded per check (conformance/task-meta.ts CheckTaskMeta.iut). */
export interface RecordedHello {
  name: string;
  version: string;
  capabilities?: CapabilityLists;
}

function helloKey(h: RecordedHello): string {
  const caps = h.capabilities;
  const lists = caps ? CAPABILITY_KINDS.map((k) => `${k}: ${[...caps[k]].sort().join(', ')}`) : ['no capabilities recorded'];
  return `${h.name} ${h.version}; ${lists.join('; ')}`;
}

/**
 * Each IUT process answers hello once per check; an IUT that claims differently from one check to
 * the next (to dodge some checks) is not judged on one set of claims. The different answers in
 * words (order of names ignored), or '' when every check saw the same one.
 */
export function inconsistentHellos(hellos: readonly RecordedHello[]): string {
  const distinct = [...new Set(hellos.map(helloKey))];
  if (distinct.length <= 1) return '';
  return `the IUT answered hello in ${distinct.length} different ways across the checks of this run (claims must not change between processes): ${distinct.map((d) => `[${d}]`).join(' vs ')}`;
}

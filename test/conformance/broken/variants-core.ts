// Broken variants for the driver protocol core (conformance/core-capabilities.ts): IUTs that
// behave like the reference but game their hello claims. conformance/core must fail each; the
// checks gated on a core name still run for them (core names never make a check skip).
import type { BrokenVariant, Json } from './variant-kit.ts';

type Claims = Record<'attributes' | 'methods' | 'events', string[]>;

/** Rewrites the capabilities of the hello reply (the only reply that carries them). */
function rewriteClaims(fn: (caps: Claims) => Claims): (msg: Json) => Json {
  return (msg) => {
    const result = msg['result'] as Json | undefined;
    const caps = result?.['capabilities'] as Claims | undefined;
    if (!result || !caps) return msg;
    return { ...msg, result: { ...result, capabilities: fn(caps) } };
  };
}

const without = (list: string[], names: string[]): string[] => list.filter((n) => !names.includes(n));

export const CORE_VARIANTS: BrokenVariant[] = [
  {
    name: 'hides-core-claims',
    what: 'does not claim the event netstatus nor the attribute fps (but behaves like the reference)',
    outgoing: rewriteClaims((c) => ({ ...c, events: without(c.events, ['netstatus']), attributes: without(c.attributes, ['fps']) })),
    breaks: ['conformance/core'],
  },
  {
    name: 'claims-twice',
    what: 'claims the method start and the event statechange twice',
    outgoing: rewriteClaims((c) => ({ ...c, methods: [...c.methods, 'start'], events: [...c.events, 'statechange'] })),
    breaks: ['conformance/core'],
  },
  {
    name: 'claims-look-alikes',
    what: 'claims "Mirror", " remote-mirror " and "FPS" instead of the spec names',
    outgoing: rewriteClaims((c) => ({ ...c, attributes: [...without(c.attributes, ['mirror', 'remote-mirror', 'fps']), 'Mirror', ' remote-mirror ', 'FPS'] })),
    breaks: ['conformance/core'],
  },
];

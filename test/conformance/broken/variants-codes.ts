// Broken variants for the codes checks (see variant-kit.ts): status codes that lie about the
// connection, and reconnect policies other than the vendor default (3 retries, 3 s apart).
import type { BrokenVariant, Json } from './variant-kit.ts';

const RETRIED_CODES = [3001, 3002, 3003, 3004, 3005];
const RECONNECTING = 1102;
const GAVE_UP = -1307;
/** Retries the fake-retries variant claims, and the early-give-up variant's last honest 1102. */
const CLAIMED_RETRIES = 3;

function statechange(msg: Json, code: number): Json {
  const d = msg['detail'] as Json;
  return { ...msg, detail: { ...d, code, message: `code ${code}` } };
}

function code(msg: Json): number | undefined {
  return msg['event'] === 'statechange' ? Number((msg['detail'] as Json)['code']) : undefined;
}

let lastFailure = RETRIED_CODES[0]!;
let announced = 0;

export const CODES_VARIANTS: BrokenVariant[] = [
  {
    name: 'failure-code-spray',
    what: 'reports every 300x failure code on any connection failure, the right one first',
    outgoing: (msg) => {
      const c = code(msg);
      if (c === undefined || !RETRIED_CODES.includes(c)) return msg;
      return [msg, ...RETRIED_CODES.filter((x) => x !== c).map((x) => statechange(msg, x))];
    },
    breaks: ['status-codes/300[1-5](/.*)?', 'status-codes/-1307'],
  },
  {
    name: 'fake-retries',
    what: 'gives up at the first failure but reports three 1102 (and failures) first, without reconnecting',
    retry: { count: 0, intervalMs: 3000 },
    outgoing: (msg) => {
      const c = code(msg);
      if (c !== undefined && RETRIED_CODES.includes(c)) lastFailure = c;
      if (c !== GAVE_UP) return msg;
      const claimed = Array.from({ length: CLAIMED_RETRIES }, () => [statechange(msg, RECONNECTING), statechange(msg, lastFailure)]).flat();
      return [...claimed, msg];
    },
    breaks: ['status-codes/300[1-5](/.*)?', 'status-codes/1102', 'status-codes/-1307'],
  },
  {
    name: 'retry-storm',
    what: 'retries 5 times, 1 s apart',
    retry: { count: 5, intervalMs: 1000 },
    breaks: ['status-codes/300[3-5]/.*', 'status-codes/1102', 'status-codes/-1307'],
  },
  {
    name: 'early-give-up',
    what: 'reports -1307 in place of the last 1102, then still makes the last retry',
    outgoing: (msg) => {
      if (code(msg) !== RECONNECTING) return msg;
      announced += 1;
      return announced === CLAIMED_RETRIES ? statechange(msg, GAVE_UP) : msg;
    },
    breaks: ['status-codes/1102', 'status-codes/-1307'],
  },
];

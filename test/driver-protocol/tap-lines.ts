// Reads the log of test/driver-protocol/drivers/tap-driver.mjs and validates every line of it
// against the driver protocol's one schema: each request against Request (its rig against Rig),
// each driver line against its reply/event schema, each hello against HelloResult (no
// warnings), each spec event's detail against its detail schema, and each method result against
// context-api.md's shape, replies matched to the requests of the same driver process.
import { readFileSync } from 'node:fs';
import { eventDetailProblems, methodResultProblems, validateHelloResult, validateIncoming, validateRequest } from '../../driver-protocol/validate.ts';

export interface TappedLine {
  tap: number;
  dir: 'in' | 'out';
  line: string;
}

export interface TapReport {
  requests: { method: string; params?: Record<string, unknown> }[];
  hellos: number;
  events: number;
  replies: number;
  /** Every violation, as "<driver pid> <what> <schema path> <message>"; [] when all lines conform. */
  problems: string[];
}

export function readTap(file: string): TappedLine[] {
  const text = readFileSync(file, 'utf8').trim();
  return text ? text.split('\n').map((l) => JSON.parse(l) as TappedLine) : [];
}

function problemOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function validateTap(lines: readonly TappedLine[]): TapReport {
  const report: TapReport = { requests: [], hellos: 0, events: 0, replies: 0, problems: [] };
  const methodById = new Map<string, { method: string; name?: string }>();
  const key = (tap: number, id: unknown) => `${tap}:${String(id)}`;
  for (const t of lines) {
    let msg: unknown;
    try {
      msg = JSON.parse(t.line);
    } catch (err) {
      report.problems.push(`${t.tap} ${t.dir} line is not JSON: ${problemOf(err)}`);
      continue;
    }
    if (t.dir === 'in') {
      const r = msg as { id: unknown; method: string; params?: Record<string, unknown> };
      try {
        validateRequest(r);
      } catch (err) {
        report.problems.push(`${t.tap} request ${r.method}: ${problemOf(err)}`);
      }
      report.requests.push(r);
      const name = typeof r.params?.['name'] === 'string' ? (r.params['name'] as string) : undefined;
      methodById.set(key(t.tap, r.id), { method: r.method, ...(name ? { name } : {}) });
      continue;
    }
    let m: ReturnType<typeof validateIncoming>;
    try {
      m = validateIncoming(msg);
    } catch (err) {
      report.problems.push(`${t.tap} driver line: ${problemOf(err)}`);
      continue;
    }
    if (m.kind === 'event') {
      report.events += 1;
      report.problems.push(...eventDetailProblems(m.message.event, m.message.detail).map((p) => `${t.tap} event ${m.message.event}${p.path} ${p.message}`));
      continue;
    }
    if (m.kind !== 'reply') continue;
    report.replies += 1;
    const req = methodById.get(key(t.tap, m.message.id));
    if (!req) {
      report.problems.push(`${t.tap} reply to id ${String(m.message.id)}, which this driver was never sent`);
      continue;
    }
    if (req.method === 'hello') {
      report.hellos += 1;
      try {
        const warnings = validateHelloResult(m.message.result).warnings;
        if (warnings.length) report.problems.push(`${t.tap} hello: ${warnings.join('; ')}`);
      } catch (err) {
        report.problems.push(`${t.tap} hello: ${problemOf(err)}`);
      }
    }
    if (req.method === 'call' && req.name) report.problems.push(...methodResultProblems(req.name, m.message.result).map((p) => `${t.tap} ${req.name}${p.path} ${p.message}`));
  }
  return report;
}

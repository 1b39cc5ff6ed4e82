// Declaring a conformance check (README "Reports"; docs/architecture.md "House style":
// infrastructure failures are *broken*, assertion failures are *failed*). check(meta, body) registers one vitest test that: labels
// it for Allure (epic = area, feature, story, severity, spec row, tolerance, id); marks it not
// applicable (skipped, with the reason) before any IUT is spawned when the rig does not meet its
// requires.rig (conformance/requirements.ts) or the IUT's hello (asked once per worker of a probe)
// lacks a non-core capability it requires (core names are always required:
// conformance/core-capabilities.ts); starts the IUT and says hello (a malformed hello is broken;
// the capabilities are checked again on this hello); runs the body; and, pass or fail, attaches the IUT's event log
// and stderr and disposes the IUT. The verdict and evidence travel in task.meta to the reporters.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as allure from 'allure-js-commons';
import type { RunnerTestCase } from 'vitest';
import type { Rig } from '../rig/types.ts';
import { CAPABILITY_KINDS, isCoreCapability } from './core-capabilities.ts';
import { conformanceTest, wantsSources } from './fixtures.ts';
import { redactError, redactSecrets, redactSecretsInBytes, rememberUrlSecrets } from '../protocol/redact-secrets.ts';
import { IutClient, type IutCapabilities, type IutHello } from './iut-client.ts';
import { unmetRigRequirements } from './requirements.ts';
import type { ConformanceServer } from './server.ts';
import { VERDICT_LABEL, REASON_LABEL, type CheckArea, type CheckMeta, type CheckTaskMeta } from './task-meta.ts';
import { classifyError, errorMessage, NotApplicableError, type Verdict } from './verdict.ts';

export type { CheckArea, CheckMeta, CheckSeverity } from './task-meta.ts';
export { NotApplicableError } from './verdict.ts';

/** The Allure epic of each area, in words. */
export const AREA_EPICS: Record<CheckArea, string> = {
  attributes: 'attributes',
  events: 'events',
  'status-codes': 'status codes',
  'error-codes': 'error codes',
  netstatus: 'netstatus',
  context: 'context',
  core: 'driver protocol core',
};

/** Default per-check time budget; a check states its own when it needs more. */
export const DEFAULT_CHECK_TIMEOUT_MS = 60_000;
const EVIDENCE_DIR = 'evidence';
const UNSAFE_FILE_CHARS = /[^A-Za-z0-9._-]+/g;
/** File extensions of evidence files, by content type. */
const EXTENSIONS: Record<string, string> = {
  'application/json': '.json',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/csv': '.csv',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/svg+xml': '.svg',
  'audio/wav': '.wav',
  'video/mp4': '.mp4',
  'video/x-flv': '.flv',
};

export interface CheckContext {
  /** The IUT, started and hello'd for this check; disposed after it. */
  iut: IutClient;
  hello: IutHello;
  capabilities: IutCapabilities;
  server: ConformanceServer;
  /** Unique per check. */
  streamName: string;
  /** server.rtmpUrl(streamName). */
  streamUrl: string;
  rig: Rig;
  /** A temp folder for this check, removed after it (attach what should be kept). */
  workDir: string;
  meta: CheckMeta;
  /** Ids of every check in this check's file (shared pushes name the checks they serve). */
  checksInFile: readonly string[];
  attach(name: string, contentType: string, content: Buffer | string): Promise<void>;
  attachFile(name: string, path: string, contentType: string): Promise<void>;
  parameter(name: string, value: string): Promise<void>;
  /** A line for the check's log (attached at the end). */
  log(text: string): void;
  /** Ends the check as skipped (not applicable) with this reason. */
  notApplicable(reason: string): never;
}

function safeName(s: string): string {
  return s.replace(UNSAFE_FILE_CHARS, '_');
}

/**
 * The capabilities a check requires that the IUT does not claim, in words; '' when none. Core
 * names (conformance/core-capabilities.ts) never count as missing: a check needing one runs
 * whatever the IUT claims, and fails if the behaviour is not there. Names match exactly, so a
 * claim differing in case or whitespace from the spec name claims nothing.
 */
export function missingCapabilities(requires: CheckMeta['requires'], caps: IutCapabilities): string {
  if (!requires) return '';
  const parts: string[] = [];
  for (const kind of CAPABILITY_KINDS) {
    const missing = (requires[kind] ?? []).filter((name) => !isCoreCapability(kind, name) && !caps[kind].includes(name));
    if (missing.length) parts.push(`${kind} ${missing.join(', ')}`);
  }
  return parts.join('; ');
}

/** Whether the check requires any capability beyond the core (only those need the probe's hello). */
function requiresCapabilities(requires: CheckMeta['requires']): boolean {
  return CAPABILITY_KINDS.some((kind) => (requires?.[kind] ?? []).some((name) => !isCoreCapability(kind, name)));
}

async function applyLabels(meta: CheckMeta): Promise<void> {
  await allure.epic(AREA_EPICS[meta.area]);
  await allure.feature(meta.feature);
  await allure.story(meta.story);
  await allure.severity(meta.severity ?? 'normal');
  await allure.testCaseId(meta.id);
  await allure.label('checkId', meta.id);
  await allure.parameter('spec', meta.spec);
  if (meta.tolerance) await allure.parameter('tolerance', meta.tolerance);
  if (meta.specRows?.length) await allure.label('specRows', meta.specRows.join(' '));
}

/** Records an attachment in Allure and as a file under <out>/evidence for summary.json; text
 *  has the push URL's secrets redacted (protocol/redact-secrets.ts). */
async function recordAttachment(record: CheckTaskMeta, outDir: string, name: string, contentType: string, raw: Buffer | string): Promise<void> {
  const text = contentType.startsWith('text/') || contentType === 'application/json';
  const content = typeof raw === 'string' ? redactSecrets(raw) : text ? Buffer.from(redactSecretsInBytes(raw)) : raw;
  await allure.attachment(name, content, contentType);
  const dir = join(outDir, EVIDENCE_DIR, safeName(record.check.id));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${record.attachments.length + 1}-${safeName(name)}${EXTENSIONS[contentType] ?? ''}`);
  writeFileSync(file, content);
  record.attachments.push({ name, contentType, path: relative(outDir, file) });
}

export function check(meta: CheckMeta, body: (ctx: CheckContext) => Promise<void>): void {
  conformanceTest(meta.id, { timeout: meta.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS }, async ({ task, skip, lpbEnv, serverHandle, sourcesHandle, helloProbe, iutStarter, streamName, workDir, iutSlot }) => {
    const record: CheckTaskMeta = { check: meta, attachments: [] };
    (task as RunnerTestCase).meta.lpbench = record;
    await applyLabels(meta);
    const logLines: string[] = [];
    const attach = (name: string, contentType: string, content: Buffer | string) => recordAttachment(record, lpbEnv.outDir, name, contentType, content);
    let verdict: Verdict = 'passed';
    let caught: unknown;
    try {
      if (lpbEnv.rig instanceof Error) throw lpbEnv.rig;
      // Declared requirements first: nothing is spawned for a check this rig or IUT cannot have.
      const unmet = unmetRigRequirements(meta.requires?.rig ?? [], lpbEnv.rig);
      if (unmet.length) throw new NotApplicableError(`rig: ${unmet.join('; ')}`);
      if (requiresCapabilities(meta.requires)) {
        const probe = await helloProbe.get();
        record.iut = { name: probe.name, version: probe.version, ...(probe.platform ? { platform: probe.platform } : {}), capabilities: probe.capabilities };
        const missingBeforeSpawn = missingCapabilities(meta.requires, probe.capabilities);
        if (missingBeforeSpawn) throw new NotApplicableError(`IUT ${probe.name} ${probe.version} does not claim ${missingBeforeSpawn}`);
      }
      const server = await serverHandle.get();
      rememberUrlSecrets(server.rtmpUrl(streamName));
      const started = await iutStarter.take();
      const iut = started.iut;
      iutSlot.client = iut;
      const hello = await started.hello;
      for (const warning of iut.warnings) logLines.push(`${new Date().toISOString()} warning: ${warning}`);
      record.iut = { name: hello.name, version: hello.version, ...(hello.platform ? { platform: hello.platform } : {}), capabilities: hello.capabilities };
      await allure.parameter('IUT', `${hello.name} ${hello.version}`);
      // The rig as handed to the IUT: with its synthetic sources' urls unless it draws them itself.
      const rig = wantsSources(hello.name) ? (await sourcesHandle.get()).rig : lpbEnv.rig;
      // Again against this IUT's own hello: an IUT whose claims change between spawns is judged on these.
      const missing = missingCapabilities(meta.requires, hello.capabilities);
      if (missing) throw new NotApplicableError(`IUT ${hello.name} ${hello.version} does not claim ${missing}`);
      await body({
        iut,
        hello,
        capabilities: hello.capabilities,
        server,
        streamName,
        streamUrl: server.rtmpUrl(streamName),
        rig,
        workDir,
        meta,
        checksInFile: task.file.tasks.map((t) => t.name),
        attach,
        attachFile: (name, path, contentType) => attach(name, contentType, readFileSync(path)),
        parameter: async (name, value) => {
          await allure.parameter(name, value);
        },
        log: (text) => {
          logLines.push(`${new Date().toISOString()} ${text}`);
        },
        notApplicable: (reason) => {
          throw new NotApplicableError(reason);
        },
      });
    } catch (err) {
      caught = err;
      verdict = classifyError(err);
      record.message = redactSecrets(err instanceof NotApplicableError ? err.reason : errorMessage(err));
      redactError(err);
    } finally {
      const iut = iutSlot.client;
      if (iut) {
        await iut.dispose();
        await attach('IUT event log', 'application/json', JSON.stringify(iut.events(), null, 2));
        await attach('driver stderr', 'text/plain', iut.stderr());
      }
      if (logLines.length) await attach('check log', 'text/plain', logLines.join('\n'));
      record.verdict = verdict;
      await allure.label(VERDICT_LABEL, verdict);
      if (record.message !== undefined) await allure.label(REASON_LABEL, record.message);
    }
    if (verdict === 'skipped') skip(record.message);
    if (caught !== undefined) throw caught;
  });
}

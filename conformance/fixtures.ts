// The conformance suite's vitest fixtures (docs/architecture.md "House style": the IUT and the rig are
// fixtures chosen by config). Worker scope: the environment (IUT command, rig, output folder),
// the RTMP server, started lazily once per worker and closed when the worker ends, and the
// starter of the checks' IUTs, which starts the next check's process ahead (iut-starter.ts).
// Test scope: a unique stream name, a temp work folder, and a slot for the test's IUT that is
// disposed on every path, even when vitest abandons a test on timeout. Also worker scope: the
// rig's synthetic sources materialized as live streams any IUT can open (adapters/sources/,
// docs/driver-protocol.md "Sources"), started on first use and closed when the worker ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { test as base } from 'vitest';
import { loadRig } from '../rig/load.ts';
import type { Rig } from '../rig/types.ts';
import { readConformanceEnv } from './env.ts';
import { driverEnvironment } from '../adapters/sources/driver-env.ts';
import { IutClient, type IutHello } from './iut-client.ts';
import { ENV_WARM_IUT, iutStarter, startIutWith, warmIutFrom, type IutStarter } from './iut-starter.ts';
import { materializeSources, type MaterializedSources } from '../adapters/sources/materialize.ts';
import { startConformanceServer, type ConformanceServer } from './server.ts';

const STREAM_SUFFIX_BYTES = 3;

export interface ConformanceWorkerEnv {
  iutCommand: string;
  /** The rig, or the error loading it (a check then ends broken). */
  rig: Rig | Error;
  outDir: string;
}

/** The worker's RTMP server: started on first use; a failed start is remembered, not retried. */
export interface ServerHandle {
  get(): Promise<ConformanceServer>;
}

/**
 * When checks hand the IUT a rig with materialized sources (LPB_SOURCES): 'auto' (default) for
 * every IUT but the reference pusher (hello name "reference"), which draws them in process;
 * 'always'; 'never'.
 */
export const ENV_SOURCES = 'LPB_SOURCES';
export const SOURCES_POLICIES = ['auto', 'always', 'never'] as const;
export type SourcesPolicy = (typeof SOURCES_POLICIES)[number];
/** The hello name of the IUT that draws the synthetic sources itself. */
export const IN_PROCESS_SOURCES_IUT = 'reference';

export function sourcesPolicy(env: NodeJS.ProcessEnv = process.env): SourcesPolicy {
  const v = env[ENV_SOURCES] || 'auto';
  if (!(SOURCES_POLICIES as readonly string[]).includes(v)) throw new Error(`${ENV_SOURCES}=${v} is not legal; expected one of ${SOURCES_POLICIES.join(', ')}`);
  return v as SourcesPolicy;
}

/** Whether an IUT with this hello name gets the materialized sources. */
export function wantsSources(helloName: string, policy: SourcesPolicy = sourcesPolicy()): boolean {
  return policy === 'always' || (policy === 'auto' && helloName !== IN_PROCESS_SOURCES_IUT);
}

/** The worker's materialized sources: started on first use; a failed start is remembered. */
export interface SourcesHandle {
  get(): Promise<MaterializedSources>;
}

/**
 * The IUT's hello, asked once per worker of a probe IUT that is disposed at once, so checks can
 * evaluate their capability requirements before spawning their own IUT. A failed probe is
 * remembered; the check that asked then ends broken with its error.
 */
export interface HelloProbe {
  get(): Promise<IutHello>;
}

/** Holds the test's IUT so the fixture can dispose it whatever happens to the test. */
export interface IutSlot {
  client: IutClient | undefined;
}

export interface ConformanceWorkerFixtures {
  lpbEnv: ConformanceWorkerEnv;
  serverHandle: ServerHandle;
  sourcesHandle: SourcesHandle;
  helloProbe: HelloProbe;
  /** Starts each check's own IUT, the next one ahead (iut-starter.ts); its spare is disposed when the worker ends. */
  iutStarter: IutStarter;
}

export interface ConformanceTestFixtures {
  streamName: string;
  workDir: string;
  iutSlot: IutSlot;
}

let streamCounter = 0;

function newStreamName(): string {
  streamCounter += 1;
  const pool = process.env.VITEST_POOL_ID ?? '0';
  return `lpb-w${pool}-${streamCounter}-${randomBytes(STREAM_SUFFIX_BYTES).toString('hex')}`;
}

export const conformanceTest = base.extend<{ $test: ConformanceTestFixtures; $worker: ConformanceWorkerFixtures }>({
  lpbEnv: [
    async ({}, use) => {
      const env = readConformanceEnv();
      let rig: Rig | Error;
      try {
        rig = loadRig(env.rigFile);
      } catch (err) {
        rig = err as Error;
      }
      await use({ iutCommand: env.iutCommand, rig, outDir: env.outDir });
    },
    { scope: 'worker' },
  ],
  serverHandle: [
    async ({ lpbEnv }, use) => {
      let started: Promise<ConformanceServer> | undefined;
      const handle: ServerHandle = {
        get() {
          if (lpbEnv.rig instanceof Error) return Promise.reject(lpbEnv.rig);
          started ??= startConformanceServer(lpbEnv.rig.server);
          return started;
        },
      };
      await use(handle);
      if (started) await started.then((s) => s.close()).catch(() => undefined);
    },
    { scope: 'worker' },
  ],
  sourcesHandle: [
    async ({ lpbEnv, serverHandle }, use) => {
      let started: Promise<MaterializedSources> | undefined;
      const handle: SourcesHandle = {
        get() {
          if (lpbEnv.rig instanceof Error) return Promise.reject(lpbEnv.rig);
          const rig = lpbEnv.rig;
          started ??= serverHandle.get().then((server) =>
            materializeSources(rig, { rtmpUrl: (s) => server.rtmpUrl(s), ...(server.embedded ? { waitForPublish: (s, ms) => server.waitForPublish(s, ms) } : {}) }, `w${process.env.VITEST_POOL_ID ?? '0'}-${randomBytes(STREAM_SUFFIX_BYTES).toString('hex')}`),
          );
          return started;
        },
      };
      await use({
        // A source that died makes every later check that needs it broken, with its stderr.
        get: () => handle.get().then((s) => {
          const died = s.failure();
          if (died) throw died;
          return s;
        }),
      });
      if (started) await started.then((s) => s.close()).catch(() => undefined);
    },
    { scope: 'worker' },
  ],
  helloProbe: [
    async ({ lpbEnv }, use) => {
      let asked: Promise<IutHello> | undefined;
      const probeDir = mkdtempSync(join(tmpdir(), 'lpb-probe-'));
      const probe = async (): Promise<IutHello> => {
        const iut = await IutClient.start(lpbEnv.iutCommand, { cwd: process.cwd(), env: driverEnvironment(), stderrFile: join(probeDir, 'driver-stderr.log') });
        try {
          return await iut.hello();
        } finally {
          await iut.dispose();
        }
      };
      try {
        await use({
          get() {
            asked ??= probe();
            return asked;
          },
        });
      } finally {
        rmSync(probeDir, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],
  iutStarter: [
    async ({ lpbEnv }, use) => {
      const starter = iutStarter(
        startIutWith(lpbEnv.iutCommand, { cwd: process.cwd(), env: driverEnvironment() }),
        warmIutFrom(process.env[ENV_WARM_IUT]),
      );
      try {
        await use(starter);
      } finally {
        await starter.close();
      }
    },
    { scope: 'worker' },
  ],
  streamName: async ({}, use) => {
    await use(newStreamName());
  },
  workDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'lpb-check-'));
    try {
      await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  iutSlot: async ({}, use) => {
    const slot: IutSlot = { client: undefined };
    try {
      await use(slot);
    } finally {
      await slot.client?.dispose();
    }
  },
});

// Kernel shaping where root allows: a network namespace of our own joined to the root namespace by
// two veth pairs with addresses of our own, `tc qdisc ... tbf` on them for a real bandwidth cap
// per direction, and netem (delay/loss) only where this kernel has it. It caps what
// live-pusher.zh.md 状态码 1101 (上行带宽太小) and 网络状态数据（info） netSpeed are about, with the
// kernel's own queue instead of the user-space proxy's (impairment-proxy.ts).
//
//   pusher --(veth A: upstream cap on its root end)--> relay in the namespace (netns-relay.ts)
//          --(veth B)--> relay in the root namespace (an impairment proxy) --> upstream server
// Upstream data crosses veth A root -> namespace (tbf there = upstream cap); downstream data
// crosses veth A namespace -> root (tbf on the namespace end = downstream cap). veth B carries
// both directions unshaped, so the two caps never share a queue. The root relay is an impairment
// proxy: user-space toxics can be added on top (link.proxy).
//
// detectKernelShaping() says whether this works here and why not ({available, reason}, netem
// likewise); startShapedLink() builds it and close() tears it down (namespace deleted, which
// removes both veth pairs), also on every error path and at process exit. Only the namespace and
// devices made here are ever touched.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { runCommand, type CommandResult } from '../process/run-to-completion.ts';
import { SupervisedProcess } from '../process/supervised.ts';
import { startImpairmentProxy, throughHop, type ImpairmentProxy } from './impairment-proxy.ts';
import { MAX_KBPS, MIN_KBPS, bytesPerSecond, type ToxicStream } from './toxics.ts';

export interface ShapingSupport {
  /** Namespaces, veth and tbf work here. */
  available: boolean;
  reason: string;
  /** `tc qdisc add ... netem` works here. */
  netem: { available: boolean; reason: string };
}

export interface ShapedLinkOptions {
  /** The real server (reachable from the root namespace, e.g. 127.0.0.1). */
  upstream: { host: string; port: number };
  /** Caps at start, kbps (1000 bits/s); absent: uncapped. */
  upstreamKbps?: number;
  downstreamKbps?: number;
}

export interface ShapedLink {
  /** The namespace's name (lpb-<pid>-<n>). */
  readonly namespace: string;
  /** Where the pusher connects: the namespace's address on veth A, and the relay's port. */
  readonly host: string;
  readonly port: number;
  /** The root-namespace relay (no toxics unless you add some). */
  readonly proxy: ImpairmentProxy;
  /** The same URL with host:port pointing at the shaped path. */
  url(rtmpUrl: string): string;
  /** Sets (or with undefined removes) a direction's tbf cap, on open connections too. */
  setRate(stream: ToxicStream, kbps: number | undefined): Promise<void>;
  rates(): Partial<Record<ToxicStream, number>>;
  close(): Promise<void>;
}

/** Subnet the links take their addresses from: 10.213.<n>.0/29, one /30 per veth pair. */
const SUBNET_PREFIX = '10.213';
const SUBNET_SLOTS = 250;
/** tbf queue limit: packets that would wait longer are dropped (the sender backs off). */
const TBF_LATENCY_MS = 100;
/** tbf bucket: 10 ms of the rate, at least two full-size frames. */
const TBF_BURST_MS = 10;
const TBF_MIN_BURST_BYTES = 3028;
const COMMAND_TIMEOUT_MS = 10_000;
const RELAY_START_TIMEOUT_MS = 20_000;
const NS_DEV_A = 'lpbA';
const NS_DEV_B = 'lpbB';
const RELAY_SCRIPT = fileURLToPath(new URL('./netns-relay.ts', import.meta.url));

let linkCounter = 0;
let detected: Promise<ShapingSupport> | undefined;
/** Namespaces alive in this process, deleted at exit if close() was never reached. */
const liveNamespaces = new Set<string>();
let exitHookInstalled = false;

/** Whether kernel shaping works on this machine (probed once per process, by doing it). */
export function detectKernelShaping(): Promise<ShapingSupport> {
  detected ??= probe();
  return detected;
}

async function probe(): Promise<ShapingSupport> {
  const no = (reason: string): ShapingSupport => ({ available: false, reason, netem: { available: false, reason } });
  if (process.platform !== 'linux') return no(`network namespaces are Linux only (platform ${process.platform})`);
  const uid = process.getuid?.();
  if (uid !== 0) return no(`not root (uid ${uid}): creating a network namespace and veth devices needs CAP_SYS_ADMIN and CAP_NET_ADMIN`);
  for (const tool of ['ip', 'tc']) {
    const r = await runCommand(tool, ['-V'], COMMAND_TIMEOUT_MS);
    if (r.outcome !== 'exited') return no(`no \`${tool}\` (iproute2): ${r.reason ?? r.outcome}`);
  }
  const ns = `lpb-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dev = `lpp${randomBytes(4).toString('hex')}`;
  trackNamespace(ns);
  try {
    const steps: Array<[string, string[]]> = [
      ['create a network namespace', ['ip', 'netns', 'add', ns]],
      ['create a veth pair', ['ip', 'link', 'add', dev, 'type', 'veth', 'peer', 'name', NS_DEV_A, 'netns', ns]],
      ['add a tbf qdisc', ['ip', 'netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', NS_DEV_A, 'root', 'tbf', 'rate', '1mbit', 'burst', '4kb', 'latency', '50ms']],
    ];
    for (const [what, argv] of steps) {
      const r = await run(argv);
      if (!ok(r)) return no(`cannot ${what}: \`${argv.join(' ')}\` ${failure(r)}`);
    }
    const netem = await run(['ip', 'netns', 'exec', ns, 'tc', 'qdisc', 'replace', 'dev', NS_DEV_A, 'root', 'netem', 'delay', '1ms']);
    return {
      available: true,
      reason: 'root, ip and tc present; a namespace, a veth pair and tbf work',
      netem: ok(netem)
        ? { available: true, reason: 'tc qdisc netem works' }
        : { available: false, reason: `\`tc qdisc add ... netem\` fails in this kernel: ${failure(netem)} (delay/loss: use the impairment proxy's latency toxic)` },
    };
  } finally {
    await run(['ip', 'link', 'del', dev]);
    await deleteNamespace(ns);
  }
}

/** Builds the namespace, the veth pairs, the relays and the caps; throws (having torn down what it
 *  made) when kernel shaping is unavailable or a step fails, naming the step. */
export async function startShapedLink(options: ShapedLinkOptions): Promise<ShapedLink> {
  for (const key of ['upstreamKbps', 'downstreamKbps'] as const) {
    if (options[key] !== undefined) checkKbps(key, options[key]);
  }
  const support = await detectKernelShaping();
  if (!support.available) throw new Error(`kernel shaping unavailable: ${support.reason}`);
  linkCounter += 1;
  const ns = `lpb-${process.pid}-${linkCounter}`;
  const devA = `lpa${process.pid}x${linkCounter}`.slice(0, 15);
  const devB = `lpb${process.pid}x${linkCounter}`.slice(0, 15);
  const cleanup: Array<() => Promise<unknown>> = [];
  const teardown = async (): Promise<void> => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const slot = await freeSlot();
    const a = { root: `${SUBNET_PREFIX}.${slot}.1`, ns: `${SUBNET_PREFIX}.${slot}.2` };
    const b = { root: `${SUBNET_PREFIX}.${slot}.5`, ns: `${SUBNET_PREFIX}.${slot}.6` };
    trackNamespace(ns);
    cleanup.push(() => deleteNamespace(ns));
    cleanup.push(() => run(['ip', 'link', 'del', devA]));
    cleanup.push(() => run(['ip', 'link', 'del', devB]));
    await must('create the namespace', ['ip', 'netns', 'add', ns]);
    await must('create veth A', ['ip', 'link', 'add', devA, 'type', 'veth', 'peer', 'name', NS_DEV_A, 'netns', ns]);
    await must('create veth B', ['ip', 'link', 'add', devB, 'type', 'veth', 'peer', 'name', NS_DEV_B, 'netns', ns]);
    await must('address veth A (root end)', ['ip', 'addr', 'add', `${a.root}/30`, 'dev', devA]);
    await must('address veth B (root end)', ['ip', 'addr', 'add', `${b.root}/30`, 'dev', devB]);
    await must('address veth A (namespace end)', ['ip', '-n', ns, 'addr', 'add', `${a.ns}/30`, 'dev', NS_DEV_A]);
    await must('address veth B (namespace end)', ['ip', '-n', ns, 'addr', 'add', `${b.ns}/30`, 'dev', NS_DEV_B]);
    for (const argv of [
      ['ip', 'link', 'set', devA, 'up'],
      ['ip', 'link', 'set', devB, 'up'],
      ['ip', '-n', ns, 'link', 'set', 'lo', 'up'],
      ['ip', '-n', ns, 'link', 'set', NS_DEV_A, 'up'],
      ['ip', '-n', ns, 'link', 'set', NS_DEV_B, 'up'],
    ]) {
      await must('bring the links up', argv);
    }

    const rootRelay = await startImpairmentProxy({ listenHost: b.root, upstream: options.upstream });
    cleanup.push(() => rootRelay.close());
    const { relay, port } = await startNamespaceRelay(ns, a.ns, b.root, rootRelay.port);
    cleanup.push(() => relay.close());

    const rates: Partial<Record<ToxicStream, number>> = {};
    const qdiscTarget = (stream: ToxicStream): string[] => (stream === 'upstream' ? ['dev', devA] : ['dev', NS_DEV_A]);
    const tc = (stream: ToxicStream): string[] => (stream === 'upstream' ? ['tc'] : ['ip', 'netns', 'exec', ns, 'tc']);
    let closed = false;
    const setRate = async (stream: ToxicStream, kbps: number | undefined): Promise<void> => {
      if (closed) throw new Error('shaped link: setRate after close()');
      if (stream !== 'upstream' && stream !== 'downstream') throw new RangeError(`setRate: stream ${JSON.stringify(stream)} is not legal; expected upstream or downstream`);
      if (kbps === undefined) {
        if (rates[stream] === undefined) return;
        await must(`remove the ${stream} cap`, [...tc(stream), 'qdisc', 'del', ...qdiscTarget(stream), 'root']);
        delete rates[stream];
        return;
      }
      checkKbps(`${stream} kbps`, kbps);
      const burst = Math.max(TBF_MIN_BURST_BYTES, Math.round((bytesPerSecond(kbps) * TBF_BURST_MS) / 1000));
      await must(`cap ${stream} at ${kbps} kbps`, [
        ...tc(stream), 'qdisc', 'replace', ...qdiscTarget(stream), 'root', 'tbf',
        'rate', `${kbps}kbit`, 'burst', String(burst), 'latency', `${TBF_LATENCY_MS}ms`,
      ]);
      rates[stream] = kbps;
    };
    await setRate('upstream', options.upstreamKbps);
    await setRate('downstream', options.downstreamKbps);

    return {
      namespace: ns,
      host: a.ns,
      port,
      proxy: rootRelay,
      url: (rtmpUrl: string): string => throughHop(rtmpUrl, a.ns, port),
      setRate,
      rates: () => ({ ...rates }),
      async close(): Promise<void> {
        if (closed) return;
        closed = true;
        await teardown();
        liveNamespaces.delete(ns);
      },
    };
  } catch (err) {
    await teardown();
    liveNamespaces.delete(ns);
    throw err;
  }
}

async function startNamespaceRelay(ns: string, listenHost: string, upHost: string, upPort: number): Promise<{ relay: SupervisedProcess; port: number }> {
  let port = 0;
  const relay = await SupervisedProcess.start({
    name: `namespace relay (${ns})`,
    command: 'ip',
    args: ['netns', 'exec', ns, process.execPath, '--import', import.meta.resolve('tsx'), RELAY_SCRIPT, listenHost, '0', upHost, String(upPort)],
    stdoutMode: 'lines',
    readyWhen: (line, stream) => {
      const m = stream === 'stdout' ? /^listening (\d+)$/.exec(line) : null;
      if (m) port = Number(m[1]);
      return m !== null;
    },
    startTimeoutMs: RELAY_START_TIMEOUT_MS,
  });
  return { relay, port };
}

/** A 10.213.<n>.0/29 no interface of the root namespace uses yet. */
async function freeSlot(): Promise<number> {
  const r = await must('list addresses', ['ip', '-4', '-o', 'addr', 'show']);
  const used = new Set<number>();
  for (const m of r.stdout.matchAll(new RegExp(`inet ${SUBNET_PREFIX.replace('.', '\\.')}\\.(\\d+)\\.`, 'g'))) used.add(Number(m[1]));
  const start = (process.pid * 7 + linkCounter) % SUBNET_SLOTS;
  for (let i = 0; i < SUBNET_SLOTS; i++) {
    const slot = ((start + i) % SUBNET_SLOTS) + 1;
    if (!used.has(slot)) return slot;
  }
  throw new Error(`no free ${SUBNET_PREFIX}.<n>.0/29 subnet: all ${SUBNET_SLOTS} are in use`);
}

function checkKbps(key: string, kbps: number): void {
  if (!(typeof kbps === 'number' && Number.isFinite(kbps) && kbps >= MIN_KBPS && kbps <= MAX_KBPS)) {
    throw new RangeError(`${key} ${JSON.stringify(kbps)} is not legal; expected a number from ${MIN_KBPS} to ${MAX_KBPS}`);
  }
}

function run(argv: string[]): Promise<CommandResult> {
  return runCommand(argv[0], argv.slice(1), COMMAND_TIMEOUT_MS);
}

function ok(r: CommandResult): boolean {
  return r.outcome === 'exited' && r.code === 0;
}

function failure(r: CommandResult): string {
  if (r.outcome !== 'exited') return `(${r.outcome}${r.reason ? `: ${r.reason}` : ''})`;
  return `exited ${r.code}: ${r.stderr.trim() || r.stdout.trim() || 'no output'}`;
}

async function must(what: string, argv: string[]): Promise<CommandResult> {
  const r = await run(argv);
  if (!ok(r)) throw new Error(`kernel shaping: cannot ${what}: \`${argv.join(' ')}\` ${failure(r)}`);
  return r;
}

async function deleteNamespace(ns: string): Promise<void> {
  await run(['ip', 'netns', 'del', ns]);
  liveNamespaces.delete(ns);
}

function trackNamespace(ns: string): void {
  liveNamespaces.add(ns);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const name of liveNamespaces) spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS });
  });
}

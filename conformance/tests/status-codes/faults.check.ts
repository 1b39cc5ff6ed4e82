// Status codes of server-side faults, made on purpose by the scriptable fault server
// (adapters/server/fault-server.ts): a broken handshake, a rejected or closed publish, a clean
// close and a reset in mid-stream. Truth: the fault the server injected, and when.
// Spec: live-pusher.zh.md 状态码 3003 (RTMP服务器握手失败), 3004 (RTMP服务器主动断开),
// 3005 (RTMP 读/写失败), 1102 (网络断连, 已启动自动重连); context-api.md "Status codes".
import { check, type CheckContext } from '../../check.ts';
import { FaultServer, type FaultScript } from '../../../adapters/server/fault-server.ts';
import { expectTrue } from '../support/expect.ts';
import { statusCodes } from '../support/scenario.ts';

const CODE_WAIT_MS = 15_000;
const MID_STREAM_AFTER_MS = 2500;

interface FaultCase {
  code: 3003 | 3004 | 3005;
  story: string;
  script: FaultScript;
  row: string;
  /** The fault comes after the publish started: 1002 must come first. */
  midStream: boolean;
}

const CASES: FaultCase[] = [
  { code: 3003, story: 'server breaks the handshake (wrong version)', script: { kind: 'bad-handshake' }, row: 'RTMP服务器握手失败', midStream: false },
  { code: 3003, story: 'server closes during the handshake', script: { kind: 'close-in-handshake' }, row: 'RTMP服务器握手失败', midStream: false },
  { code: 3004, story: 'server rejects the connect (_error)', script: { kind: 'reject-connect' }, row: 'RTMP服务器主动断开', midStream: false },
  { code: 3004, story: 'server rejects the publish (onStatus error)', script: { kind: 'reject-publish' }, row: 'RTMP服务器主动断开', midStream: false },
  { code: 3004, story: 'server answers the publish with _error', script: { kind: 'error-publish' }, row: 'RTMP服务器主动断开', midStream: false },
  { code: 3004, story: 'server closes the connection at publish', script: { kind: 'close-on-publish' }, row: 'RTMP服务器主动断开', midStream: false },
  { code: 3004, story: 'server closes the connection mid-stream', script: { kind: 'accept-then-close', afterMs: MID_STREAM_AFTER_MS }, row: 'RTMP服务器主动断开', midStream: true },
  { code: 3005, story: 'connection reset mid-stream', script: { kind: 'accept-then-reset', afterMs: MID_STREAM_AFTER_MS }, row: 'RTMP 读/写失败', midStream: true },
];

async function withFaultServer(ctx: CheckContext, script: FaultScript, body: (server: FaultServer) => Promise<void>): Promise<void> {
  const server = await FaultServer.start(script);
  const faults: string[] = [];
  server.on('fault', (what) => faults.push(`${Date.now()} ${what}`));
  try {
    await body(server);
  } finally {
    ctx.log(`fault server: ${JSON.stringify(server.stats)}; faults: ${faults.join(', ')}`);
    await server.close();
  }
}

for (const c of CASES) {
  check(
    {
      id: `status-codes/${c.code}/${c.script.kind}`,
      area: 'status-codes',
      feature: String(c.code),
      story: c.story,
      severity: 'critical',
      spec: `live-pusher.zh.md 状态码 ${c.code} (推流：${c.row})`,
      specRows: [`status:${c.code}`],
      tolerance: `${c.code} within ${CODE_WAIT_MS / 1000} s of the fault${c.midStream ? ', after 1002' : ', and no 1002'}; then 1102 (a reconnect)`,
      requires: { methods: ['start'], events: ['statechange'] },
    },
    async (ctx) => {
      await withFaultServer(ctx, c.script, async (server) => {
        await ctx.iut.create({ url: server.url('live', ctx.streamName) }, ctx.rig);
        await ctx.iut.call('start');
        await ctx.iut.waitForStatus(c.code, CODE_WAIT_MS + (c.midStream ? MID_STREAM_AFTER_MS : 0));
        const codes = statusCodes(ctx.iut.events());
        const at = codes.indexOf(c.code);
        if (c.midStream) expectTrue(`1002 before ${c.code} (codes: ${codes.join(' ')})`, codes.indexOf(1002) >= 0 && codes.indexOf(1002) < at);
        else expectTrue(`no 1002 before ${c.code} (codes: ${codes.join(' ')})`, !codes.slice(0, at).includes(1002));
        expectTrue(`the fault server injected its fault (${JSON.stringify(server.stats)})`, server.stats.faultsInjected > 0);
        await ctx.iut.waitForStatus(1102, CODE_WAIT_MS);
      });
    },
  );
}

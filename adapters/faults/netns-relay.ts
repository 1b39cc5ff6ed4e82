// The relay that netns-shaping.ts runs inside its network namespace: a plain impairment proxy
// (impairment-proxy.ts, no toxics) from the namespace's address to the relay in the root
// namespace, so the pusher's bytes cross the shaped veth links (live-pusher.zh.md 状态码 1101,
// 网络状态数据（info） netSpeed). Prints "listening <port>" when ready; exits on SIGTERM/SIGINT or
// when its stdin closes (the parent is gone), closing every socket.
// Usage: node --import tsx netns-relay.ts <listen-host> <listen-port> <upstream-host> <upstream-port>
import { startImpairmentProxy } from './impairment-proxy.ts';

async function main(argv: string[]): Promise<void> {
  if (argv.length !== 4) throw new RangeError(`usage: netns-relay <listen-host> <listen-port> <upstream-host> <upstream-port>; got ${argv.length} arguments`);
  const [listenHost, listenPort, upstreamHost, upstreamPort] = argv;
  const proxy = await startImpairmentProxy({ listenHost, listenPort: Number(listenPort), upstream: { host: upstreamHost, port: Number(upstreamPort) } });
  const stop = (): void => {
    void proxy.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.stdout.write(`listening ${proxy.port}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`netns-relay: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

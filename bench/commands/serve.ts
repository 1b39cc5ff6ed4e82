// `lpbench serve [--port N] [--host ADDR] [--verbose]`: runs the embedded RTMP server
// (adapters/server/embedded.ts) in the foreground, prints its RTMP base URL and every publish and
// unpublish, and stops cleanly on SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { EmbeddedServer, ServerStartError, type PublishEvent } from '../../adapters/server/embedded.ts';

export const USAGE = 'usage: lpbench serve [--port N] [--host ADDR] [--verbose]';
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const MAX_PORT = 65_535;

function stamp(at: number): string {
  return new Date(at).toISOString();
}

export async function run(argv: string[]): Promise<number> {
  let values: { port?: string; host?: string; verbose?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`lpbench serve: ${(err as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT_OK;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
    process.stderr.write(`lpbench serve: --port must be an integer 0..${MAX_PORT}, got "${values.port}"\n`);
    return EXIT_USAGE;
  }

  let server: EmbeddedServer;
  try {
    server = await EmbeddedServer.start({ port, host: values.host, verbose: values.verbose ?? false });
  } catch (err) {
    const message = err instanceof ServerStartError ? err.message : String(err);
    process.stderr.write(`lpbench serve: ${message}\n`);
    return EXIT_FAILED;
  }

  const base = server.baseUrl();
  process.stdout.write(`rtmp server listening: ${base}  (publish to ${base}/<app>/<stream>)\n`);
  server.on('publish', (e: PublishEvent) => process.stdout.write(`${stamp(e.at)} publish   ${e.streamPath}\n`));
  server.on('unpublish', (e: PublishEvent) => process.stdout.write(`${stamp(e.at)} unpublish ${e.streamPath}\n`));

  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void server.close().then(() => resolve(code));
    };
    const onSignal = (signal: NodeJS.Signals) => {
      process.stdout.write(`${signal}: stopping\n`);
      finish(EXIT_OK);
    };
    server.once('died', (err: Error) => {
      process.stderr.write(`lpbench serve: ${err.message}\n`);
      finish(EXIT_FAILED);
    });
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

// The RTMP server a check pushes to (README "What the checks believe"): the bench's embedded server
// (adapters/server/embedded.ts), or the rig's external server with stream names appended; the
// rig's publish authentication (server.query, server.credentials) goes into every push url.
import { EmbeddedServer } from '../adapters/server/embedded.ts';
import { externalStreamUrl, withPushAuth } from '../rig/load.ts';
import type { ServerConfig } from '../rig/types.ts';

/** The RTMP application every check publishes under on the embedded server. */
export const CONFORMANCE_APP = 'live';

export interface ConformanceServer {
  kind: ServerConfig['kind'];
  /** The url an IUT pushes this stream to (and an observer pulls it from), with the rig's
   *  publish authentication. */
  rtmpUrl(stream: string): string;
  /** Resolves when the server sees the stream published; on an external server it cannot know
   *  and rejects with ServerFeatureUnavailableError. */
  waitForPublish(stream: string, timeoutMs: number): Promise<void>;
  /** The embedded server itself, when it is the embedded one. */
  embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

export class ServerFeatureUnavailableError extends Error {
  constructor(feature: string) {
    super(`${feature} is not available on an external server`);
    this.name = 'ServerFeatureUnavailableError';
  }
}

export async function startConformanceServer(config: ServerConfig): Promise<ConformanceServer> {
  if (config.kind === 'external') {
    return {
      kind: 'external',
      rtmpUrl: (stream) => withPushAuth(externalStreamUrl(config, stream), config),
      waitForPublish: () => Promise.reject(new ServerFeatureUnavailableError('waitForPublish')),
      embedded: undefined,
      close: () => Promise.resolve(),
    };
  }
  const server = await EmbeddedServer.start({});
  return {
    kind: 'embedded',
    rtmpUrl: (stream) => withPushAuth(server.rtmpUrl(CONFORMANCE_APP, stream), config),
    waitForPublish: async (stream, timeoutMs) => {
      await server.waitForPublish(`/${CONFORMANCE_APP}/${stream}`, timeoutMs);
    },
    embedded: server,
    close: () => server.close(),
  };
}

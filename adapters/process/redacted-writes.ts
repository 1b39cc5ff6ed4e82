// Console output with the secrets of push URLs redacted (protocol/redact-secrets.ts): wraps a
// process stream's write() so every string or text chunk passes the redactor. Used where text
// leaves for people on the console: the conformance run's vitest output (conformance/run.ts),
// `lpbench push` and the `lpbench driver` stderr. A URL split across two writes is redacted only
// where the patterns still see it; callers write whole lines.
import { redactSecrets, redactSecretsInBytes } from '../../protocol/redact-secrets.ts';

type Write = NodeJS.WriteStream['write'];

/** Redacts everything written to `stream` until the returned restore() is called. */
export function redactWrites(stream: NodeJS.WriteStream): () => void {
  const original: Write = stream.write;
  const redacting = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const shown = typeof chunk === 'string' ? redactSecrets(chunk) : chunk instanceof Uint8Array ? redactSecretsInBytes(chunk) : chunk;
    return (original as (...args: unknown[]) => boolean).call(this, shown, ...rest);
  };
  stream.write = redacting as Write;
  return () => {
    if (stream.write === (redacting as Write)) stream.write = original;
  };
}

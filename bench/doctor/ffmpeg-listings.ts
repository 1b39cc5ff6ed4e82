// Parsers for ffmpeg's capability listings (-encoders, -filters, -muxers, -demuxers,
// -protocols), so doctor can tell which encoders, filters, formats and protocols a build has.
// Pure functions over the text ffmpeg prints; the layouts are those of ffmpeg 4 to 7.

/** Names from `ffmpeg -encoders` / `-filters`: rows after the legend are "<flags> <name> ...". */
export function parseFlagNameRows(listing: string): Set<string> {
  const names = new Set<string>();
  let inRows = false;
  for (const line of listing.split('\n')) {
    // The legend ends with a dashed line (-encoders) or the "| = Source or sink" line (-filters).
    if (/^\s*-{3,}\s*$/.test(line) || /^\s*\|\s*=/.test(line)) {
      inRows = true;
      continue;
    }
    if (!inRows) continue;
    const match = /^\s*\S+\s+(\S+)/.exec(line);
    if (match) names.add(match[1]!);
  }
  return names;
}

const FLAG_TOKEN = /^[DEd.]{1,3}$/;

/** Names from `ffmpeg -muxers` / `-demuxers` (one row may name several: "flv,live_flv"). */
export function parseFormatRows(listing: string): Set<string> {
  const names = new Set<string>();
  let inRows = false;
  for (const line of listing.split('\n')) {
    if (/^\s*-{2,}\s*$/.test(line)) {
      inRows = true;
      continue;
    }
    if (!inRows) continue;
    // The flags column is D, E and d (device) with dots or spaces between, e.g. " DE", "  E", "D d".
    const name = line.trim().split(/\s+/).find((token) => !FLAG_TOKEN.test(token));
    if (name) for (const part of name.split(',')) names.add(part);
  }
  return names;
}

export interface ProtocolListing {
  input: Set<string>;
  output: Set<string>;
}

/** `ffmpeg -protocols`: "Input:" then one name a line, then "Output:" and the same. */
export function parseProtocols(listing: string): ProtocolListing {
  const result: ProtocolListing = { input: new Set(), output: new Set() };
  let current: Set<string> | undefined;
  for (const raw of listing.split('\n')) {
    const line = raw.trim();
    if (/^Input:?$/i.test(line)) current = result.input;
    else if (/^Output:?$/i.test(line)) current = result.output;
    else if (current && /^[a-z0-9_]+$/.test(line)) current.add(line);
  }
  return result;
}

/** "ffmpeg version N-47683-g0e8eb07980-static https://..." -> "N-47683-g0e8eb07980-static". */
export function parseVersion(versionOutput: string): string | undefined {
  return /\bversion\s+(\S+)/.exec(versionOutput)?.[1];
}

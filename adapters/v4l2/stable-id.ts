// Stable V4L2 camera ids (issue 11 "Rig model": a rig file that survives re-plugging): a rig
// names a camera `path:<udev ID_PATH>` (the USB port it is plugged into) or
// `serial:<udev ID_SERIAL>` (the camera itself), and this resolves it to the /dev/videoN that
// captures, from `udevadm info --query=property` of each node. Selection is pure
// (selectStableDevice); resolveStableId does the I/O.
import { readdirSync } from 'node:fs';
import { runCommand } from '../process/run-to-completion.ts';

export const UDEVADM = 'udevadm';
const VIDEO_NODE = /^video\d+$/;
const CAPTURE_CAP = ':capture:';

export class StableIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StableIdError';
  }
}

/** `KEY=VALUE` lines of `udevadm info --query=property` into a map. */
export function parseUdevProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return props;
}

export function udevArgs(device: string): string[] {
  return ['info', '--query=property', `--name=${device}`];
}

export interface UdevNode {
  device: string;
  props: Map<string, string>;
}

/** The stable ids a node answers to, as a rig file would write them. */
export function stableIdsOf(node: UdevNode): string[] {
  const ids: string[] = [];
  const path = node.props.get('ID_PATH');
  if (path) ids.push(`path:${path}`);
  for (const key of ['ID_SERIAL', 'ID_SERIAL_SHORT']) {
    const v = node.props.get(key);
    if (v) ids.push(`serial:${v}`);
  }
  return ids;
}

function nodeNumber(device: string): number {
  return Number(/(\d+)$/.exec(device)?.[1] ?? Number.MAX_SAFE_INTEGER);
}

/** The capturing node with this id (lowest /dev/videoN when a camera has several); throws naming what was seen. */
export function selectStableDevice(id: string, nodes: readonly UdevNode[]): string {
  const matching = nodes.filter((n) => stableIdsOf(n).includes(id));
  const capturing = matching.filter((n) => (n.props.get('ID_V4L_CAPABILITIES') ?? '').includes(CAPTURE_CAP));
  const pool = capturing.length > 0 ? capturing : [];
  if (pool.length === 0) {
    const seen = nodes.map((n) => `${n.device} (${stableIdsOf(n).join(', ') || 'no ID_PATH/ID_SERIAL'})`).join('; ') || 'no /dev/video* nodes';
    const why = matching.length > 0 ? `only non-capture nodes carry it (${matching.map((n) => n.device).join(', ')})` : 'no node carries it';
    throw new StableIdError(`V4L2 camera ${id}: ${why}; seen: ${seen}. Run \`udevadm info --query=property --name=/dev/videoN\` to read a camera's ID_PATH / ID_SERIAL`);
  }
  return [...pool].sort((a, b) => nodeNumber(a.device) - nodeNumber(b.device))[0]!.device;
}

/** The /dev/video* nodes of this machine. */
export function videoNodes(dir = '/dev'): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => VIDEO_NODE.test(n)).map((n) => `${dir}/${n}`);
}

/** Resolves `path:...` / `serial:...` to /dev/videoN on this machine. */
export async function resolveStableId(id: string, dir = '/dev'): Promise<string> {
  const devices = videoNodes(dir);
  const nodes: UdevNode[] = [];
  for (const device of devices) {
    const r = await runCommand(UDEVADM, udevArgs(device));
    if (r.outcome === 'not-found') throw new StableIdError(`V4L2 camera ${id}: udevadm is not installed (Debian: apt-get install udev), so stable ids cannot be resolved; name the device path instead`);
    if (r.outcome === 'exited' && r.code === 0) nodes.push({ device, props: parseUdevProperties(r.stdout) });
  }
  return selectStableDevice(id, nodes);
}

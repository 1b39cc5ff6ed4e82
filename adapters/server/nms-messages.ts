// The IPC messages between the embedded RTMP server (embedded.ts, the parent) and its child
// process (nms-child.ts, which hosts one node-media-server 4.x instance). Both sides import these
// declarations so the wire shapes are declared once.

/** What the parent hands the child as its single command-line argument (JSON). */
export interface NmsChildConfig {
  host: string;
  port: number;
  /** Directory for node-media-server's JSON store (it always opens one); the parent owns and
   *  removes it. */
  storeDir: string;
  verbose: boolean;
}

/** One publish or unpublish seen by node-media-server ('postPublish' / 'donePublish'). */
export interface NmsStreamInfo {
  app: string;
  stream: string;
  streamPath: string;
  /** Date.now() in the child when node-media-server reported it. */
  at: number;
}

export type ChildToParent =
  | { type: 'ready'; port: number }
  | { type: 'start-error'; code: string; message: string }
  | { type: 'publish'; info: NmsStreamInfo }
  | { type: 'unpublish'; info: NmsStreamInfo };

/** Exit codes of the child, so the parent can tell a failed listen from a crash. */
export const CHILD_EXIT = {
  stopped: 0,
  listenFailed: 3,
  badConfig: 4,
} as const;

export function isChildMessage(value: unknown): value is ChildToParent {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

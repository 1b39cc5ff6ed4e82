// The rig: what the bench wires up for an IUT (DESIGN.md "Resources are data, drivers act on
// them, a rig file wires them"). A Rig is plain data, passed verbatim as `create.params.rig`.

export const CAMERA_KINDS = ['synthetic', 'v4l2', 'file'] as const;
export const MICROPHONE_KINDS = ['synthetic', 'pulse', 'file'] as const;
export const PERMISSION_ANSWERS = ['granted', 'denied'] as const;
export const SERVER_KINDS = ['embedded', 'external'] as const;

export type PermissionAnswer = (typeof PERMISSION_ANSWERS)[number];

export type CameraSource = { kind: 'synthetic' } | { kind: 'v4l2'; device: string } | { kind: 'file'; path: string };

export type MicrophoneSource = { kind: 'synthetic' } | { kind: 'pulse'; source: string } | { kind: 'file'; path: string };

export type ServerConfig = { kind: 'embedded' } | { kind: 'external'; url: string };

export interface Rig {
  camera: { front: CameraSource; back: CameraSource };
  microphone: MicrophoneSource;
  permissions: { camera: PermissionAnswer; record: PermissionAnswer };
  server: ServerConfig;
  assets: { bgm?: string; waitingImage?: string };
  /** Reserved for network impairment settings. */
  network: Record<string, unknown>;
}

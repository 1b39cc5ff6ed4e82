// The rig: what the bench wires up for an IUT (docs/architecture.md "Resources are data,
// drivers act on them, a rig file wires them"). A Rig is plain data, passed verbatim as
// `create.params.rig`; its type comes from the driver protocol's one schema
// (driver-protocol/schema.ts RigSchema), so the rig file loader, the bench and every driver
// read the same shape.
export type { CameraSource, MicrophoneSource, PermissionAnswer, Rig, ServerConfig } from '../driver-protocol/types.ts';

export const CAMERA_KINDS = ['synthetic', 'v4l2', 'file'] as const;
export const MICROPHONE_KINDS = ['synthetic', 'pulse', 'file'] as const;
export const PERMISSION_ANSWERS = ['granted', 'denied'] as const;
export const SERVER_KINDS = ['embedded', 'external'] as const;

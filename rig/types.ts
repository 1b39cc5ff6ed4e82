// The rig: what the bench wires up for an IUT (docs/architecture.md "Resources are data,
// drivers act on them, a rig file wires them"). A Rig is plain data, passed verbatim as
// `create.params.rig`; its type comes from the driver protocol's one schema
// (driver-protocol/schema.ts RigSchema), so the rig file loader, the bench and every driver
// read the same shape.
export type { CameraSource, MicrophoneSource, PermissionAnswer, Rig, SerialPortConfig, ServerConfig, Speaker } from '../driver-protocol/types.ts';

export const CAMERA_KINDS = ['synthetic', 'v4l2', 'v4l2loopback', 'file'] as const;
export const MICROPHONE_KINDS = ['synthetic', 'pulse', 'pulse-virtual', 'alsa', 'file'] as const;
export const PERMISSION_ANSWERS = ['granted', 'denied'] as const;
export const SPEAKER_KINDS = ['pulse', 'alsa'] as const;
export const SERVER_KINDS = ['embedded', 'external'] as const;
export const SERIAL_GEAR = ['relay', 'marker'] as const;

/** The null sink a `pulse-virtual` microphone gets when the rig file names none. */
export const DEFAULT_VIRTUAL_SINK = 'lpb_virtual_mic';
/** `serial.<gear>.port: simulated`: the bench runs a simulated device on a socat pty pair (adapters/serial/socat-pair.ts). */
export const SIMULATED_SERIAL_PORT = 'simulated';
/** Baud rate of serial lab gear when the rig file names none (adapters/serial/line-protocol.ts). */
export const DEFAULT_SERIAL_BAUD = 9600;
/** A stable V4L2 id: `path:<udev ID_PATH>` or `serial:<udev ID_SERIAL>` (adapters/v4l2/stable-id.ts). */
export const V4L2_STABLE_ID = /^(path|serial):\S+$/;

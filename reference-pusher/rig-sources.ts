// From the rig the bench wired up (docs/driver-protocol.md "create": `create.params.rig`) to the
// pusher's camera and microphone inputs. Without a rig the driver's defaults apply: the
// synthetic camera pattern and microphone tone, both permissions granted.
import { syntheticCamera } from '../adapters/camera/synthetic.ts';
import { syntheticMicrophone } from '../adapters/microphone/synthetic.ts';
import { fileCamera, v4l2Camera } from '../adapters/camera/devices.ts';
import { fileMicrophone, pulseMicrophone } from '../adapters/microphone/devices.ts';
import type { AudioInput, VideoInput } from './media-pipeline.ts';

type CameraEntry = { kind: 'synthetic' } | { kind: 'v4l2'; device: string } | { kind: 'file'; path: string };
type MicrophoneEntry = { kind: 'synthetic' } | { kind: 'pulse'; source: string } | { kind: 'file'; path: string };

/** The part of a rig the pusher reads; every field optional. */
export interface PusherRig {
  camera?: { front?: CameraEntry; back?: CameraEntry };
  microphone?: MicrophoneEntry;
  permissions?: { camera?: 'granted' | 'denied'; record?: 'granted' | 'denied' };
  assets?: { bgm?: string; waitingImage?: string };
}

export class RigSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RigSourceError';
  }
}

function camera(entry: CameraEntry | undefined, position: 'front' | 'back'): VideoInput {
  if (!entry || entry.kind === 'synthetic') return syntheticCamera(position);
  if (entry.kind === 'v4l2') return v4l2Camera(entry.device, position);
  if (entry.kind === 'file') return fileCamera(entry.path, position);
  throw new RigSourceError(`rig camera.${position}.kind ${JSON.stringify((entry as { kind: unknown }).kind)} is not one of synthetic, v4l2, file`);
}

function microphone(entry: MicrophoneEntry | undefined): AudioInput {
  if (!entry || entry.kind === 'synthetic') return syntheticMicrophone();
  if (entry.kind === 'pulse') return pulseMicrophone(entry.source);
  if (entry.kind === 'file') return fileMicrophone(entry.path);
  throw new RigSourceError(`rig microphone.kind ${JSON.stringify((entry as { kind: unknown }).kind)} is not one of synthetic, pulse, file`);
}

export function resolveSources(rig: PusherRig, position: 'front' | 'back'): { camera: VideoInput; microphone: AudioInput } {
  return { camera: camera(rig.camera?.[position], position), microphone: microphone(rig.microphone) };
}

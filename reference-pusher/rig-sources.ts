// From the rig the bench wired up (docs/driver-protocol.md "create": `create.params.rig`) to the
// pusher's camera and microphone inputs. Without a rig the driver's defaults apply: the
// synthetic camera pattern and microphone tone, both permissions granted.
import { syntheticCamera } from '../adapters/camera/synthetic.ts';
import { syntheticMicrophone, toneOfSignal } from '../adapters/microphone/synthetic.ts';
import { fileCamera, v4l2Camera } from '../adapters/camera/devices.ts';
import { fileMicrophone, pulseMicrophone } from '../adapters/microphone/devices.ts';
import { alsaMicrophone } from '../adapters/microphone/alsa.ts';
import { v4l2LoopbackCamera, v4l2StableCamera } from '../adapters/v4l2/camera.ts';
import { faultyCamera } from '../adapters/camera/faulty.ts';
import { faultyMicrophone } from '../adapters/microphone/faulty.ts';
import type { DeviceFault, SourceLimits } from '../rig/device-fault.ts';
import type { AudioInput, VideoInput } from './media-pipeline.ts';

type CameraEntry =
  | { kind: 'synthetic' }
  | { kind: 'v4l2'; device: string }
  | { kind: 'v4l2'; id: string }
  | { kind: 'v4l2loopback'; device: string }
  | { kind: 'file'; path: string };
type MicrophoneEntry =
  | { kind: 'synthetic'; signal?: string }
  | { kind: 'pulse'; source: string }
  | { kind: 'pulse-virtual'; sink: string }
  | { kind: 'alsa'; device: string }
  | { kind: 'file'; path: string };

/** A rig entry may carry a device fault and say what it can give (rig/device-fault.ts). */
type Faulty = { fault?: DeviceFault } & SourceLimits;

/** The part of a rig the pusher reads; every field optional. */
export interface PusherRig {
  camera?: { front?: CameraEntry & Faulty; back?: CameraEntry & Faulty };
  microphone?: MicrophoneEntry & Faulty;
  permissions?: { camera?: 'granted' | 'denied'; record?: 'granted' | 'denied' };
  assets?: { bgm?: string; waitingImage?: string };
  /** Ask for a hardware H.264 encoder on this device (hardware-encoder.ts; 1103 where it cannot start). */
  hardwareEncoder?: { device: string };
}

export class RigSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RigSourceError';
  }
}

function camera(entry: CameraEntry | undefined, position: 'front' | 'back'): VideoInput {
  if (!entry || entry.kind === 'synthetic') return syntheticCamera(position);
  if (entry.kind === 'v4l2') return 'id' in entry ? v4l2StableCamera(entry.id, position) : v4l2Camera(entry.device, position);
  // The bench feeds the loopback device with the pattern (adapters/v4l2/loopback-feed.ts); the pusher captures it like any V4L2 camera.
  if (entry.kind === 'v4l2loopback') return v4l2LoopbackCamera(entry.device, position);
  if (entry.kind === 'file') return fileCamera(entry.path, position);
  throw new RigSourceError(`rig camera.${position}.kind ${JSON.stringify((entry as { kind: unknown }).kind)} is not one of synthetic, v4l2, v4l2loopback, file`);
}

function microphone(entry: MicrophoneEntry | undefined): AudioInput {
  if (!entry) return syntheticMicrophone();
  if (entry.kind === 'synthetic') {
    try {
      return syntheticMicrophone(toneOfSignal(entry.signal));
    } catch (err) {
      throw new RigSourceError(`rig microphone.${(err as Error).message.replace(/^synthetic microphone: /, '')}`);
    }
  }
  if (entry.kind === 'pulse') return pulseMicrophone(entry.source);
  // The bench made the null sink and plays the tone into it (adapters/microphone/pulse-virtual.ts); capture its monitor.
  if (entry.kind === 'pulse-virtual') return pulseMicrophone(`${entry.sink}.monitor`);
  if (entry.kind === 'alsa') return alsaMicrophone(entry.device);
  if (entry.kind === 'file') return fileMicrophone(entry.path);
  throw new RigSourceError(`rig microphone.kind ${JSON.stringify((entry as { kind: unknown }).kind)} is not one of synthetic, pulse, pulse-virtual, alsa, file`);
}

/** The sources of the rig, each wrapped in its `fault` when it has one (rig/device-fault.ts). */
export function resolveSources(rig: PusherRig, position: 'front' | 'back'): { camera: VideoInput; microphone: AudioInput } {
  const cam = camera(rig.camera?.[position], position);
  const mic = microphone(rig.microphone);
  const camFault = rig.camera?.[position]?.fault;
  const micFault = rig.microphone?.fault;
  return {
    camera: camFault ? faultyCamera(cam, camFault, `camera.${position}`) : cam,
    microphone: micFault ? faultyMicrophone(mic, micFault) : mic,
  };
}

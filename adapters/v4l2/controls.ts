// The pusher's camera controls on a V4L2 device, where the device has them (README "Rig files":
// focus_automatic_continuous / focus_auto for auto-focus, the flash class's led_mode, else
// torch_intensity, for the torch): which controls to set to what (pure, unit-tested), and setting
// them with v4l2-ctl when the camera opens. A device without a control keeps its own behaviour; a
// failed or missing v4l2-ctl leaves the device as it was (the capture goes on) and says why.
// Spec: live-pusher.zh.md auto-focus (自动聚集); context-api.md toggleTorch (flashlight).
import { runCommand } from '../process/run-to-completion.ts';
import { V4L2_CTL, cameraFeatures, parseControls, queryArgs, setControlArgs, type Control } from './v4l2-ctl.ts';

export interface CameraControls {
  torch: boolean;
  autoFocus: boolean;
}

/** V4L2_FLASH_LED_MODE_NONE / _TORCH (the flash class's led_mode menu). */
const LED_MODE_NONE = 0;
const LED_MODE_TORCH = 2;
const V4L2_CTL_TIMEOUT_MS = 5_000;

/** The control settings that put a device with these controls in the state asked for. */
export function controlSettings(controls: Map<string, Control>, wanted: CameraControls): { name: string; value: number }[] {
  const features = cameraFeatures(controls);
  const out: { name: string; value: number }[] = [];
  if (features.continuousFocus) out.push({ name: features.continuousFocus, value: wanted.autoFocus ? 1 : 0 });
  if (features.torch === 'led_mode') out.push({ name: 'led_mode', value: wanted.torch ? LED_MODE_TORCH : LED_MODE_NONE });
  else if (features.torch) {
    const c = controls.get(features.torch)!;
    out.push({ name: features.torch, value: wanted.torch ? (c.max ?? 1) : (c.min ?? 0) });
  }
  return out;
}

/** Sets the controls on `device`; returns what was done or why not, one line each. */
export async function applyV4l2Controls(device: string, wanted: CameraControls): Promise<string[]> {
  const listed = await runCommand(V4L2_CTL, queryArgs(device, 'ctrls'), V4L2_CTL_TIMEOUT_MS);
  if (listed.outcome !== 'exited' || listed.code !== 0) {
    return [`${V4L2_CTL} --list-ctrls on ${device}: ${listed.outcome}${listed.code !== null ? ` code ${listed.code}` : ''}${listed.reason ? ` (${listed.reason})` : ''}; camera controls left as they are`];
  }
  const notes: string[] = [];
  for (const s of controlSettings(parseControls(listed.stdout), wanted)) {
    const r = await runCommand(V4L2_CTL, setControlArgs(device, s.name, s.value), V4L2_CTL_TIMEOUT_MS);
    notes.push(`${device} ${s.name}=${s.value}: ${r.outcome === 'exited' && r.code === 0 ? 'set' : `not set (${r.outcome}${r.code !== null ? ` code ${r.code}` : ''})`}`);
  }
  return notes;
}

// loadRig: the default rig, every source kind, relative asset paths, and errors that name the key.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { externalStreamUrl, loadRig, RigError, validateRig } from '../../rig/load.ts';

function withFile(text: string, fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'lpb-rig-'));
  try {
    const file = join(dir, 'rig.yaml');
    writeFileSync(file, text);
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loadRig', () => {
  it('loads the embedded default rig', () => {
    expect(loadRig()).toEqual({
      camera: { front: { kind: 'synthetic' }, back: { kind: 'synthetic' } },
      microphone: { kind: 'synthetic' },
      permissions: { camera: 'granted', record: 'granted' },
      server: { kind: 'embedded' },
      assets: {},
      network: {},
      serial: { relay: { port: 'simulated', baudRate: 9600 } },
    });
  });

  it('reads every kind and resolves asset paths against the rig file', () => {
    const yaml = [
      'camera: {front: {kind: v4l2, device: /dev/video9}, back: {kind: file, path: clip.mp4}}',
      'microphone: {kind: pulse, source: virtmic}',
      'permissions: {camera: denied}',
      'server: {kind: external, url: "rtmp://127.0.0.1:1936/live/"}',
      'assets: {bgm: music/bgm.mp3, waitingImage: /abs/wait.png}',
    ].join('\n');
    withFile(yaml, (file) => {
      const rig = loadRig(file);
      const dir = file.slice(0, file.lastIndexOf('/'));
      expect(rig.camera).toEqual({ front: { kind: 'v4l2', device: '/dev/video9' }, back: { kind: 'file', path: `${dir}/clip.mp4` } });
      expect(rig.microphone).toEqual({ kind: 'pulse', source: 'virtmic' });
      expect(rig.permissions).toEqual({ camera: 'denied', record: 'granted' });
      expect(rig.server).toEqual({ kind: 'external', url: 'rtmp://127.0.0.1:1936/live' });
      expect(rig.assets).toEqual({ bgm: `${dir}/music/bgm.mp3`, waitingImage: '/abs/wait.png' });
      if (rig.server.kind !== 'external') throw new Error('unreachable');
      expect(externalStreamUrl(rig.server, 's1')).toBe('rtmp://127.0.0.1:1936/live/s1');
    });
  });

  it.each([
    ['camera: {front: {kind: webcam}}', 'camera.front.kind', '"webcam" is not legal; legal values: synthetic, v4l2, v4l2loopback, file'],
    ['camera: {front: {kind: v4l2}}', 'camera.front.device', '(missing) is not legal; must be a device path like /dev/video0'],
    ['camera: {front: {kind: v4l2, device: video0}}', 'camera.front.device', '"video0" is not legal; must be a device path'],
    ['camera: {front: {kind: v4l2, id: usb-1}}', 'camera.front.id', '"usb-1" is not legal; must be path:<udev ID_PATH> or serial:<udev ID_SERIAL>'],
    ['camera: {front: {kind: v4l2, id: "serial:X", device: /dev/video0}}', 'camera.front.id', 'give device or id, not both'],
    ['camera: {back: {kind: v4l2loopback}}', 'camera.back.device', 'v4l2loopback device path'],
    ['camera: {side: {kind: synthetic}}', 'camera.side', 'legal keys: front, back'],
    ['microphone: {kind: jack}', 'microphone.kind', 'legal values: synthetic, pulse, pulse-virtual, alsa, file'],
    ['microphone: {kind: alsa}', 'microphone.device', 'must be a non-empty string'],
    ['microphone: {kind: pulse-virtual, sink: "my sink"}', 'microphone.sink', '"my sink" is not legal; must be a PulseAudio sink name'],
    ['serial: {relay: {port: ttyUSB0}}', 'serial.relay.port', '"ttyUSB0" is not legal; must be an absolute serial device path like /dev/ttyUSB0, or simulated'],
    ['serial: {marker: {port: /dev/ttyACM0, baudRate: 7}}', 'serial.marker.baudRate', '7 is not legal; must be an integer from 1200 to 921600'],
    ['serial: {lamp: {port: /dev/ttyACM0}}', 'serial.lamp', 'legal keys: relay, marker'],
    ['permissions: {camera: maybe}', 'permissions.camera', 'legal values: granted, denied'],
    ['server: {kind: external}', 'server.url', '(missing) is not legal; must be an rtmp://host:port/app url'],
    ['server: {kind: external, url: "http://x/app"}', 'server.url', 'rtmp://host:port/app'],
    ['server: {kind: cloud}', 'server.kind', 'legal values: embedded, external'],
    ['assets: {music: a.mp3}', 'assets.music', 'legal keys: bgm, waitingImage'],
    ['cameras: {}', 'cameras', 'legal keys: camera, microphone'],
  ])('rejects %s naming %s', (yaml, key, legal) => {
    withFile(yaml, (file) => {
      let err: unknown;
      try {
        loadRig(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RigError);
      expect((err as RigError).key).toBe(key);
      expect((err as Error).message).toContain(legal);
      expect((err as Error).message).toContain(file);
    });
  });

  it('names the line and column of the offending value', () => {
    withFile('camera:\n  front:\n    kind: webcam\n', (file) => {
      expect(() => loadRig(file)).toThrow(`rig ${file}:3:11: camera.front.kind: "webcam" is not legal`);
    });
    withFile('microphone:\n  kind: pulse\n  sorce: x\n', (file) => {
      expect(() => loadRig(file)).toThrow(`rig ${file}:3:10: microphone.sorce: unknown key; legal keys: kind, source`);
    });
  });

  it('reads the lab kinds: stable V4L2 ids, v4l2loopback, the PulseAudio virtual mic, ALSA, serial gear', () => {
    const yaml = [
      'camera: {front: {kind: v4l2, id: "path:pci-0000:00:14.0-usb-0:1:1.0"}, back: {kind: v4l2loopback, device: /dev/video10}}',
      'microphone: {kind: pulse-virtual}',
      'serial: {relay: {port: /tmp/lpb-relay}, marker: {port: /dev/ttyACM0, baudRate: 115200}}',
    ].join('\n');
    withFile(yaml, (file) => {
      const rig = loadRig(file);
      expect(rig.camera).toEqual({ front: { kind: 'v4l2', id: 'path:pci-0000:00:14.0-usb-0:1:1.0' }, back: { kind: 'v4l2loopback', device: '/dev/video10' } });
      expect(rig.microphone).toEqual({ kind: 'pulse-virtual', sink: 'lpb_virtual_mic' });
      expect(rig.serial).toEqual({ relay: { port: '/tmp/lpb-relay', baudRate: 9600 }, marker: { port: '/dev/ttyACM0', baudRate: 115200 } });
    });
    withFile('microphone: {kind: alsa, device: "hw:1,0"}', (file) => expect(loadRig(file).microphone).toEqual({ kind: 'alsa', device: 'hw:1,0' }));
    withFile('serial: {relay: {port: simulated}}', (file) => expect(loadRig(file).serial).toEqual({ relay: { port: 'simulated', baudRate: 9600 } }));
  });

  it('every error carries the file, the key path and the value found', () => {
    withFile('permissions: {record: later}', (file) => {
      let err: RigError | undefined;
      try {
        loadRig(file);
      } catch (e) {
        err = e as RigError;
      }
      expect(err).toMatchObject({ file, key: 'permissions.record', value: 'later', position: { line: 1, col: 23 } });
      expect(err!.message).toContain('legal values: granted, denied');
    });
  });

  it('reports a missing file and invalid YAML', () => {
    expect(() => loadRig('/nonexistent/rig.yaml')).toThrow(/cannot be read/);
    withFile('camera: [unclosed', (file) => expect(() => loadRig(file)).toThrow(/not valid YAML/));
  });

  it('a rig survives a JSON round trip unchanged (it is passed verbatim to drivers)', () => {
    const rig = validateRig({ server: { kind: 'external', url: 'rtmp://127.0.0.1:1935/app' } }, '/x/rig.yaml');
    expect(JSON.parse(JSON.stringify(rig))).toEqual(rig);
  });
});

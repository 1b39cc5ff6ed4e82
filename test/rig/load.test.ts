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
    ['camera: {front: {kind: webcam}}', 'camera.front.kind', 'legal values: synthetic, v4l2, file'],
    ['camera: {front: {kind: v4l2}}', 'camera.front.device', 'non-empty string'],
    ['camera: {side: {kind: synthetic}}', 'camera.side', 'legal keys: front, back'],
    ['microphone: {kind: alsa}', 'microphone.kind', 'legal values: synthetic, pulse, file'],
    ['permissions: {camera: maybe}', 'permissions.camera', 'legal values: granted, denied'],
    ['server: {kind: external}', 'server.url', 'non-empty string'],
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

  it('reports a missing file and invalid YAML', () => {
    expect(() => loadRig('/nonexistent/rig.yaml')).toThrow(/cannot be read/);
    withFile('camera: [unclosed', (file) => expect(() => loadRig(file)).toThrow(/not valid YAML/));
  });

  it('a rig survives a JSON round trip unchanged (it is passed verbatim to drivers)', () => {
    const rig = validateRig({ server: { kind: 'external', url: 'rtmp://127.0.0.1:1935/app' } }, '/x/rig.yaml');
    expect(JSON.parse(JSON.stringify(rig))).toEqual(rig);
  });
});

// v4l2-ctl command building and parsing (adapters/v4l2/v4l2-ctl.ts) and stable-id resolution
// (adapters/v4l2/stable-id.ts) against recorded outputs of real devices
// (test/adapters/v4l2/fixtures/README.md says where each comes from).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  cameraFeatures,
  canCapture,
  parseControls,
  parseFormats,
  parseInfo,
  queryArgs,
  setControlArgs,
  setFormatArgs,
  supports,
} from '../../../adapters/v4l2/v4l2-ctl.ts';
import { parseUdevProperties, selectStableDevice, stableIdsOf, StableIdError } from '../../../adapters/v4l2/stable-id.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('v4l2-ctl command lines', () => {
  it('builds queries and settings, refusing bad names and values', () => {
    expect(queryArgs('/dev/video0', 'formats')).toEqual(['-d', '/dev/video0', '--list-formats-ext']);
    expect(queryArgs('/dev/video0', 'ctrls')).toEqual(['-d', '/dev/video0', '--list-ctrls']);
    expect(queryArgs('/dev/video0', 'info')).toEqual(['-d', '/dev/video0', '--info']);
    expect(setControlArgs('/dev/video0', 'zoom_absolute', 200)).toEqual(['-d', '/dev/video0', '--set-ctrl=zoom_absolute=200']);
    expect(setFormatArgs('/dev/video0', { width: 1280, height: 720, fourcc: 'MJPG' })).toEqual(['-d', '/dev/video0', '--set-fmt-video=width=1280,height=720,pixelformat=MJPG']);
    expect(() => setControlArgs('/dev/video0', 'zoom;rm', 1)).toThrow('v4l2 control name "zoom;rm" is not legal');
    expect(() => setControlArgs('/dev/video0', 'zoom_absolute', 1.5)).toThrow('value 1.5 is not legal; expected an integer');
    expect(() => setFormatArgs('/dev/video0', { width: 0, height: 720, fourcc: 'MJPG' })).toThrow('v4l2 width 0 is not legal');
    expect(() => setFormatArgs('/dev/video0', { width: 640, height: 480, fourcc: 'mjpeg' })).toThrow('pixel format "mjpeg" is not legal');
  });
});

describe('--list-formats-ext', () => {
  it('C920: two formats, discrete sizes and rates; MJPG carries 1280x720 at 30 fps, YUYV does not', () => {
    const formats = parseFormats(fixture('c920.list-formats-ext.txt'));
    expect(formats.map((f) => [f.index, f.fourcc, f.compressed])).toEqual([[0, 'YUYV', false], [1, 'MJPG', true]]);
    const yuyv = formats[0]!;
    expect(yuyv.sizes.map((s) => (s.kind === 'discrete' ? `${s.width}x${s.height}` : '?'))).toEqual(['640x480', '1280x720', '1920x1080', '2304x1536']);
    expect(yuyv.sizes[0]!.intervals.map((i) => (i.kind === 'discrete' ? i.fps : 0))).toEqual([30, 24, 20, 15, 10, 7.5, 5]);
    expect(supports(formats[1]!, 1280, 720, 30)).toBe(true);
    expect(supports(yuyv, 1280, 720, 30)).toBe(false);
    expect(supports(yuyv, 1280, 720, 10)).toBe(true);
    expect(supports(formats[1]!, 1024, 768, 5)).toBe(false);
  });

  it('bcm2835: stepwise sizes with a step, no rates listed', () => {
    const formats = parseFormats(fixture('bcm2835.list-formats-ext.txt'));
    expect(formats.map((f) => f.fourcc)).toEqual(['YU12', 'YUYV', 'JPEG', 'H264']);
    expect(formats[0]!.sizes).toEqual([{ kind: 'stepwise', minWidth: 32, minHeight: 32, maxWidth: 2592, maxHeight: 1944, stepWidth: 2, stepHeight: 2, intervals: [] }]);
    expect(supports(formats[0]!, 1280, 720, 30)).toBe(true);
    expect(supports(formats[0]!, 1281, 720, 30)).toBe(false);
    expect(supports(formats[0]!, 4000, 3000, 30)).toBe(false);
  });

  it('v4l2loopback: the one format its writer set', () => {
    const [f] = parseFormats(fixture('loopback.list-formats-ext.txt'));
    expect(f).toMatchObject({ fourcc: 'YU12', sizes: [{ kind: 'discrete', width: 720, height: 1280, intervals: [{ kind: 'discrete', fps: 30 }] }] });
  });

  it('refuses a Size line before any format', () => {
    expect(() => parseFormats('\t\tSize: Discrete 640x480\n')).toThrow('before any format line');
  });
});

describe('--list-ctrls', () => {
  it('C920: ranges, menus with their label, flags, groups; zoom and continuous focus but no torch', () => {
    const ctrls = parseControls(fixture('c920.list-ctrls.txt'));
    expect(ctrls.size).toBe(17);
    expect(ctrls.get('zoom_absolute')).toEqual({ name: 'zoom_absolute', id: 0x009a090d, type: 'int', min: 100, max: 500, step: 1, default: 100, value: 100, flags: [], group: 'Camera Controls' });
    expect(ctrls.get('auto_exposure')).toMatchObject({ type: 'menu', value: 3, valueLabel: 'Aperture Priority Mode' });
    expect(ctrls.get('white_balance_temperature')!.flags).toEqual(['inactive']);
    expect(ctrls.get('brightness')!.group).toBe('User Controls');
    expect(cameraFeatures(ctrls)).toEqual({ zoom: { min: 100, max: 500 }, continuousFocus: 'focus_automatic_continuous' });
  });

  it('adp1653 flash: a torch; buttons and bitmasks parse', () => {
    const ctrls = parseControls(fixture('adp1653.list-ctrls.txt'));
    expect(cameraFeatures(ctrls)).toEqual({ torch: 'led_mode' });
    expect(ctrls.get('strobe')).toMatchObject({ type: 'button', flags: ['write-only', 'execute-on-write'] });
    expect(ctrls.get('faults')).toMatchObject({ type: 'bitmask', max: 0x1e, flags: ['read-only', 'volatile'] });
    expect(ctrls.get('torch_intensity')).toMatchObject({ min: 50, max: 200, step: 25 });
  });
});

describe('--info', () => {
  it('tells a capture node, the loopback driver and the legacy Pi driver apart', () => {
    const c920 = parseInfo(fixture('c920.info.txt'));
    expect(c920).toEqual({ driver: 'uvcvideo', card: 'HD Pro Webcam C920', bus: 'usb-0000:00:14.0-1', driverVersion: '6.1.55', caps: ['Video Capture', 'Streaming', 'Extended Pix Format'] });
    expect(canCapture(c920)).toBe(true);
    const loop = parseInfo(fixture('loopback.info.txt'));
    expect([loop.driver, loop.card, canCapture(loop)]).toEqual(['v4l2 loopback', 'lpbench', true]);
    expect(parseInfo(fixture('bcm2835.info.txt')).caps).toContain('Video Overlay');
    expect(() => parseInfo('ioctl: VIDIOC_ENUM_FMT\n')).toThrow('no "Driver name" / "Card type" line');
  });
});

describe('stable ids', () => {
  const nodes = [
    { device: '/dev/video1', props: parseUdevProperties(fixture('c920-meta.udev.txt')) },
    { device: '/dev/video0', props: parseUdevProperties(fixture('c920.udev.txt')) },
    { device: '/dev/video10', props: parseUdevProperties(fixture('loopback.udev.txt')) },
  ];

  it('reads the ids a node answers to', () => {
    expect(stableIdsOf(nodes[1]!)).toEqual(['path:pci-0000:00:14.0-usb-0:1:1.0', 'serial:046d_HD_Pro_Webcam_C920_A1B2C3D4', 'serial:A1B2C3D4']);
    expect(stableIdsOf(nodes[2]!)).toEqual([]);
  });

  it('resolves path: and serial: to the capture node, never the metadata node', () => {
    expect(selectStableDevice('path:pci-0000:00:14.0-usb-0:1:1.0', nodes)).toBe('/dev/video0');
    expect(selectStableDevice('serial:A1B2C3D4', nodes)).toBe('/dev/video0');
    // re-plugged: the same camera now enumerates as video2/video3
    const replugged = nodes.slice(0, 2).map((n, i) => ({ device: `/dev/video${3 - i}`, props: n.props }));
    expect(selectStableDevice('serial:046d_HD_Pro_Webcam_C920_A1B2C3D4', replugged)).toBe('/dev/video2');
  });

  it('an unknown id names what was seen', () => {
    expect(() => selectStableDevice('serial:NOPE', nodes)).toThrow(StableIdError);
    expect(() => selectStableDevice('serial:NOPE', nodes)).toThrow(/no node carries it; seen: \/dev\/video1 \(path:pci-0000:00:14.0-usb-0:1:1.0, .*\/dev\/video10 \(no ID_PATH\/ID_SERIAL\)/);
    expect(() => selectStableDevice('serial:A1B2C3D4', [nodes[0]!])).toThrow('only non-capture nodes carry it (/dev/video1)');
  });
});

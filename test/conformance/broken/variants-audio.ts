// Broken variants for the audio checks (conformance/tests/audio, see variant-kit.ts): a pusher
// that ignores setMICVolume or applies it on the wrong law, ignores enable-agc, reports
// volume events that have nothing to do with what it captures, ignores or misapplies the reverb
// and voice changer types, noise suppression that is inverted or also takes the tone down (a
// gate on the gaps only is shown caught by spectrum.test.ts, not by a variant run: CI time),
// and background music that is not mixed, ignores its calls, restarts
// on resume, fakes or drops its events, gives no 10003 (or ends the push) on a bad URL, or
// raises 10003 as an errCode only.
import { ERROR, STATUS } from '../../../spec/codes.ts';
import { mapEvent, rewriteAttrs, without, type BrokenVariant, type Json } from './variant-kit.ts';

/** A fixed pseudo-random sequence (the same every run) for the made-up volume events. */
let fakeVolumeSeed = 1;
function fakeVolume(): number {
  fakeVolumeSeed = (fakeVolumeSeed * 48271) % 2147483647;
  return fakeVolumeSeed % 101;
}

const REVERB_TYPES = [1, 2, 3, 4, 5, 6, 7];
const VOICE_TYPES = [1, 2, 3, 4, 6, 7, 8, 9, 10, 11];
/** Raised voices (1 child, 2 girl) swapped with lowered ones (3 uncle, 8 fat guy). */
const SWAPPED_VOICES: Record<number, number> = { 1: 3, 2: 8, 3: 1, 7: 2, 8: 2 };

/** The context method a request calls, or ''. */
function callName(req: Json): string {
  const params = req['params'] as Json | undefined;
  return req['method'] === 'call' ? String(params?.['name'] ?? '') : '';
}

/** The args of the last playBGM, which the restarting variant plays again on resume. */
let lastPlay: Json = {};
/** When the fake-progress variant saw its first bgmprogress. */
let firstProgressAt = 0;

/** Rewrites the args of one context method's calls. */
function rewriteCall(name: string, fn: (args: Json) => Json): (req: Json) => Json {
  return (req) => {
    const params = req['params'] as Json | undefined;
    if (req['method'] !== 'call' || params?.['name'] !== name) return req;
    return { ...req, params: { ...params, args: fn((params['args'] as Json | undefined) ?? {}) } };
  };
}

export const AUDIO_VARIANTS: BrokenVariant[] = [
  {
    name: 'mic-volume-ignored',
    what: 'setMICVolume answers ok and changes nothing',
    fakeCalls: ['setMICVolume'],
    breaks: ['^context/setMICVolume/0\\.5$', '^context/setMICVolume/0\\.25$', '^context/setMICVolume/0\\.1$', '^events/audiovolumenotify/follows-level$'],
  },
  {
    name: 'mic-volume-power-law',
    what: 'setMICVolume takes the volume as a power ratio (amplitude √v): 0.5 is −3 dB instead of −6 dB',
    request: rewriteCall('setMICVolume', (args) => ({ ...args, volume: typeof args['volume'] === 'number' ? Math.sqrt(args['volume']) : args['volume'] })),
    breaks: ['^context/setMICVolume/0\\.5$', '^context/setMICVolume/0\\.25$', '^context/setMICVolume/0\\.1$'],
  },
  {
    name: 'agc-ignored',
    what: 'enable-agc is accepted and does nothing',
    request: rewriteAttrs((attrs) => without(attrs, ['enable-agc'])),
    breaks: ['^attributes/enable-agc/true$'],
  },
  {
    name: 'volume-events-made-up',
    what: 'audiovolumenotify at the right rate with made-up volumes, unrelated to the microphone',
    outgoing: mapEvent('audiovolumenotify', (detail) => ({ ...detail, volume: fakeVolume() })),
    breaks: ['^events/audiovolumenotify/follows-tone$', '^events/audiovolumenotify/follows-level$'],
  },
  {
    name: 'reverb-ignored',
    what: 'audio-reverb-type is accepted and does nothing',
    request: rewriteAttrs((attrs) => without(attrs, ['audio-reverb-type'])),
    breaks: [...REVERB_TYPES.map((t) => `^attributes/audio-reverb-type/${t}$`), '^attributes/audio-reverb-type/distinct$'],
  },
  {
    name: 'reverb-always-on',
    what: 'type 0 still adds the KTV reverb',
    pusher: { encodeConfig: (c) => (c.reverbType === 0 ? { ...c, reverbType: 1 } : c) },
    breaks: ['^attributes/audio-reverb-type/0$'],
  },
  {
    name: 'reverb-one-for-all',
    what: 'every reverb type is the same reverb (KTV)',
    pusher: { encodeConfig: (c) => (c.reverbType > 0 ? { ...c, reverbType: 1 } : c) },
    breaks: ['^attributes/audio-reverb-type/distinct$'],
  },
  {
    name: 'voice-changer-ignored',
    what: 'voice-changer-type is accepted and does nothing',
    request: rewriteAttrs((attrs) => without(attrs, ['voice-changer-type'])),
    breaks: VOICE_TYPES.map((t) => `^attributes/voice-changer-type/${t}$`),
  },
  {
    name: 'voice-changer-always-on',
    what: 'type 0 still lowers the voice (the uncle voice)',
    pusher: { encodeConfig: (c) => (c.voiceChangerType === 0 ? { ...c, voiceChangerType: 3 } : c) },
    breaks: ['^attributes/voice-changer-type/0$'],
  },
  {
    name: 'voice-changer-swapped',
    what: 'the raised voices come out lowered and the lowered ones raised',
    pusher: { encodeConfig: (c) => ({ ...c, voiceChangerType: SWAPPED_VOICES[c.voiceChangerType] ?? c.voiceChangerType }) },
    breaks: ['^attributes/voice-changer-type/(1|2|3|7|8)$'],
  },
  {
    name: 'ans-inverted',
    what: 'enable-ans works the wrong way round: suppresses noise when false, not when true',
    pusher: { encodeConfig: (c) => ({ ...c, ans: !c.ans }) },
    breaks: ['^attributes/enable-ans/false$', '^attributes/enable-ans/true$'],
  },
  {
    name: 'ans-kills-tone',
    what: 'enable-ans true takes everything 20 dB down, the tone with the noise',
    pusher: { encodeConfig: (c) => (c.ans ? { ...c, micVolume: c.micVolume * 0.1 } : c) },
    breaks: ['^attributes/enable-ans/true$'],
  },
  {
    name: 'bgm-not-mixed',
    what: 'playBGM answers ok and fires its events, but the music is mixed in at volume 0',
    pusher: { ffmpegArgs: (args) => args.map((a) => a.replace(/volume=[0-9.]+,apad\[abgm\]/, 'volume=0,apad[abgm]')) },
    breaks: ['^context/playBGM/mixed$', '^context/resumeBGM/where-paused$'],
  },
  {
    name: 'bgm-volume-ignored',
    what: 'setBGMVolume answers ok and changes nothing',
    fakeCalls: ['setBGMVolume'],
    breaks: ['^context/setBGMVolume/0\\.5$'],
  },
  {
    name: 'bgm-pause-ignored',
    what: 'pauseBGM answers ok and the music plays on',
    fakeCalls: ['pauseBGM'],
    breaks: ['^context/pauseBGM/silent$', '^events/bgmprogress/consistent$'],
  },
  {
    name: 'bgm-stop-ignored',
    what: 'stopBGM answers ok and the music plays on',
    fakeCalls: ['stopBGM'],
    breaks: ['^context/stopBGM/silent$'],
  },
  {
    name: 'bgm-resume-restarts',
    what: 'resumeBGM plays the music again from startTimeMs instead of where it paused',
    request: (req) => {
      if (callName(req) === 'playBGM') lastPlay = ((req['params'] as Json)['args'] as Json | undefined) ?? {};
      if (callName(req) !== 'resumeBGM') return req;
      return { ...req, params: { name: 'playBGM', args: lastPlay } };
    },
    breaks: ['^context/resumeBGM/where-paused$', '^events/bgmprogress/consistent$'],
  },
  {
    name: 'bgm-progress-fake',
    what: 'bgmprogress counts wall time from its first report, through pauses',
    outgoing: mapEvent('bgmprogress', (detail) => {
      firstProgressAt ||= Date.now();
      return { ...detail, progress: 1000 + Date.now() - firstProgressAt };
    }),
    breaks: ['^events/bgmprogress/consistent$'],
  },
  {
    name: 'bgm-events-missing',
    what: 'no bgmstart and no bgmcomplete',
    outgoing: (msg) => (msg['event'] === 'bgmstart' || msg['event'] === 'bgmcomplete' ? null : msg),
    breaks: ['^events/bgmstart/on-play$', '^events/bgmcomplete/end-of-range$'],
  },
  {
    name: 'bgm-no-10003',
    what: 'a BGM that cannot be loaded fails the call but raises no error event',
    outgoing: (msg) => {
      const detail = msg['detail'] as Json | undefined;
      return msg['event'] === 'error' && detail?.['errCode'] === ERROR.BGM_LOAD_FAILED ? null : msg;
    },
    breaks: ['^error-codes/10003/http-404$', '^error-codes/10003/not-audio$'],
  },
  {
    name: 'bgm-10003-error-only',
    what: 'a BGM that cannot be loaded raises errCode 10003 but no statechange 10003',
    outgoing: (msg) => {
      const detail = msg['detail'] as Json | undefined;
      return msg['event'] === 'statechange' && detail?.['code'] === STATUS.BGM_LOAD_FAILED ? null : msg;
    },
    breaks: ['^status-codes/10003/bgm-load-failed$'],
  },
  {
    name: 'bgm-load-failure-ends-push',
    what: 'a BGM that cannot be loaded gives 10003 and stops the push',
    later: (req) => (callName(req) === 'playBGM' && !String(((req['params'] as Json)['args'] as Json | undefined)?.['url'] ?? '').endsWith('bgm.wav') ? [{ afterMs: 100, request: { method: 'call', params: { name: 'stop', args: {} } } }] : []),
    breaks: ['^error-codes/10003/http-404$'],
  },
];

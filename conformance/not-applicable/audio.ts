// Audio-side spec rows a desk cannot judge honestly (live-pusher.zh.md 通用属性 audio-volume-type),
// each with the reason.
import { attributeKey, attributeValueKey } from '../../reports/spec-rows.ts';
import type { NotApplicableRow } from '../../reports/coverage.ts';

const VOLUME_TYPE_REASON =
  'audio-volume-type picks which of the phone\'s system volume channels (自动 / 媒体音量 / 通话音量) the component\'s audio session uses, i.e. which hardware volume keys and audio route apply on the device; it changes nothing in the pushed stream, and a desk pusher has no system volume channels for a check to observe';

export const AUDIO_NOT_APPLICABLE: NotApplicableRow[] = [
  { key: attributeKey('audio-volume-type'), reason: VOLUME_TYPE_REASON },
  ...(['auto', 'media', 'voicecall'] as const).map((v) => ({ key: attributeValueKey('audio-volume-type', v), reason: VOLUME_TYPE_REASON })),
];

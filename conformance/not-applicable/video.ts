// Video-side spec rows a desk cannot judge honestly (live-pusher.zh.md 通用属性 picture-in-picture-mode,
// face-thinness, eye-bigness, enableVideoCustomRender; context-api.md apply*Makeup / clearMakeups,
// exitPictureInPicture, onCustomRendererEvent / createOffscreenCanvas; events
// bindenterpictureinpicture / bindleavepictureinpicture), each with the reason.
import { attributeKey, attributeValueKey, eventKey, methodKey } from '../../reports/spec-rows.ts';
import type { NotApplicableRow } from '../../reports/coverage.ts';

const PIP_REASON =
  'picture-in-picture is a mini-program page feature (the live-pusher floats in a small window when the page is pushed or popped, 小窗); a desk pusher has no page stack and no window manager, and nothing of it reaches the RTMP stream a server could observe';

const FACE_REASON =
  'needs a face tracker: the effect is placed on facial landmarks (face outline, eyes, lips, brows, cheeks), and the desk cameras (the synthetic pattern, a test card) show no face; a warp or overlay drawn without a face would be an invented effect, not the spec one';

const CUSTOM_RENDER_REASON =
  'custom rendering hands camera frames to the page (onCustomRendererEvent frame/update) and takes them back from a WebGL OffscreenCanvas in the mini-program runtime; the driver protocol has no frame side channel yet, so no check can draw into the frames and find the mark in the stream';

export const VIDEO_NOT_APPLICABLE: NotApplicableRow[] = [
  { key: attributeKey('picture-in-picture-mode'), reason: PIP_REASON },
  { key: attributeValueKey('picture-in-picture-mode', []), reason: PIP_REASON },
  { key: attributeValueKey('picture-in-picture-mode', 'push'), reason: PIP_REASON },
  { key: attributeValueKey('picture-in-picture-mode', 'pop'), reason: PIP_REASON },
  { key: methodKey('exitPictureInPicture'), reason: PIP_REASON },
  { key: eventKey('enterpictureinpicture'), reason: PIP_REASON },
  { key: eventKey('leavepictureinpicture'), reason: PIP_REASON },
  ...(['face-thinness', 'eye-bigness'] as const).map((name) => ({ key: attributeKey(name), reason: FACE_REASON })),
  ...(
    ['applyLipStickMakeup', 'applyEyeShadowMakeup', 'applyBlusherStickMakeup', 'applyFaceContourMakeup', 'applyEyeBrowMakeup', 'clearMakeups'] as const
  ).map((name) => ({ key: methodKey(name), reason: FACE_REASON })),
  { key: attributeKey('enableVideoCustomRender'), reason: CUSTOM_RENDER_REASON },
  ...[true, false].map((v) => ({ key: attributeValueKey('enableVideoCustomRender', v), reason: CUSTOM_RENDER_REASON })),
  { key: methodKey('onCustomRendererEvent'), reason: CUSTOM_RENDER_REASON },
  { key: methodKey('createOffscreenCanvas'), reason: CUSTOM_RENDER_REASON },
];

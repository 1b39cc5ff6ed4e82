// Video-side spec rows a desk cannot judge honestly (live-pusher.zh.md 通用属性 picture-in-picture-mode,
// face-thinness, eye-bigness; context-api.md apply*Makeup / clearMakeups, exitPictureInPicture;
// events bindenterpictureinpicture / bindleavepictureinpicture), each with the reason. Custom
// rendering (enableVideoCustomRender, onCustomRendererEvent, createOffscreenCanvas) is judged by
// conformance/tests/video/custom-render.check.ts through the driver protocol's side channel.
import { attributeKey, attributeValueKey, eventKey, methodKey } from '../../reports/spec-rows.ts';
import type { NotApplicableRow } from '../../reports/coverage.ts';

const PIP_REASON =
  'picture-in-picture is a mini-program page feature (the live-pusher floats in a small window when the page is pushed or popped, 小窗); a desk pusher has no page stack and no window manager, and nothing of it reaches the RTMP stream a server could observe';

const FACE_REASON =
  'needs a face tracker: the effect is placed on facial landmarks (face outline, eyes, lips, brows, cheeks), and the desk cameras (the synthetic pattern, a test card) show no face; a warp or overlay drawn without a face would be an invented effect, not the spec one';

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
];

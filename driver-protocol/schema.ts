// The IUT driver protocol as ONE JSON Schema (docs/driver-protocol.md): every request, reply,
// event envelope, event detail, method result and the rig, written once with TypeBox (whose
// values are JSON Schema objects) and turned into types in types.ts. The event details follow
// live-pusher.zh.md (bindstatechange {code}, bindnetstatus {info}, binderror {errMsg, errCode},
// bindbgmprogress {progress, duration}, bindaudiovolumenotify {volume}); the method results
// follow context-api.md (snapshot {tempImagePath, width, height}, getMaxZoom {maxZoom}). Custom
// rendering's side channel (enableVideoCustomRender; context-api.md onCustomRendererEvent /
// createOffscreenCanvas) is the bench's: a canvas file and two events the spec does not list.
import { Type, type TSchema } from '@sinclair/typebox';
import { EVENT_TYPES, METHOD_NAMES, NETSTATUS_KEYS } from '../spec/index.ts';

import { PROTOCOL_VERSION } from './version.ts';

export { PROTOCOL_VERSION };
/** The protocol version assumed for a driver whose hello has no protocolVersion. */
export const ASSUMED_PROTOCOL_VERSION = 1;
export const SCHEMA_ID = 'https://live-pusher-bench.local/driver-protocol/v1.json';

const NonEmptyString = Type.String({ minLength: 1, pattern: '\\S' });
const RequestId = Type.Union([Type.Integer(), Type.String()], { description: 'chosen by the bench; echoed in the reply' });

// ---- the rig (create.params.rig) ----

/** Where the bench materialized a synthetic source (adapters/sources/): any implementation can open these. */
const Materialized = {
  url: Type.Optional(Type.String({ description: 'a live, real-time paced stream of the source (e.g. rtmp://127.0.0.1:PORT/lpb-sources/…)' })),
  file: Type.Optional(Type.String({ description: 'a file of the source (y4m/wav) for fake devices that read files' })),
};

/** A device fault the source suffers (docs/driver-protocol.md "Device faults"): it never opens
 *  (missing or busy), or it ends or stalls (camera only) `afterMs` after it opened, for its first
 *  `times` openings (absent: every opening). */
export const DeviceFaultSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('never-opens'), Type.Literal('ends'), Type.Literal('stalls')]),
    afterMs: Type.Optional(Type.Integer({ minimum: 0, description: 'ms after the source opened (ends, stalls); absent: 0' })),
    times: Type.Optional(Type.Integer({ minimum: 1, description: 'how many openings suffer the fault; absent: every one' })),
  },
  { additionalProperties: false },
);
/** What a camera can give (docs/driver-protocol.md "Device faults"): its largest picture, either
 *  way up; a larger encoded size is 不支持的视频分辨率 (-1305). Absent: any size. */
export const CameraLimitsSchema = Type.Object(
  { width: Type.Integer({ minimum: 2 }), height: Type.Integer({ minimum: 2 }) },
  { additionalProperties: false },
);
const Fault = { fault: Type.Optional(DeviceFaultSchema), maxResolution: Type.Optional(CameraLimitsSchema) };
/** A microphone fault: as DeviceFaultSchema without `stalls`, and `no-samples` (it opens but
 *  never delivers a sample: 状态码 -1311). */
export const MicrophoneFaultSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('never-opens'), Type.Literal('ends'), Type.Literal('no-samples')]),
    afterMs: DeviceFaultSchema.properties.afterMs,
    times: DeviceFaultSchema.properties.times,
  },
  { additionalProperties: false },
);
/** The sample rates a microphone can give (Hz); another is 不支持的音频采样率 (-1306). Absent: any. */
const MicFault = {
  fault: Type.Optional(MicrophoneFaultSchema),
  sampleRates: Type.Optional(Type.Array(Type.Integer({ minimum: 8000, maximum: 192000 }), { minItems: 1 })),
};

export const SyntheticCameraSchema = Type.Object({ kind: Type.Literal('synthetic'), ...Materialized, ...Fault }, { additionalProperties: false });
export const CameraSourceSchema = Type.Union([
  SyntheticCameraSchema,
  Type.Object({ kind: Type.Literal('v4l2'), ...Fault, device: NonEmptyString }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('v4l2'), ...Fault, id: Type.String({ minLength: 1, pattern: '^(path|serial):\\S+$', description: 'a stable id that survives re-plugging: path:<udev ID_PATH> or serial:<udev ID_SERIAL>; resolved to /dev/videoN on the machine that captures' }) },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('v4l2loopback'), ...Fault, device: NonEmptyString }, { additionalProperties: false, description: 'a v4l2loopback device the bench feeds with the synthetic pattern of this camera position' }),
  Type.Object({ kind: Type.Literal('file'), ...Fault, path: NonEmptyString }, { additionalProperties: false }),
]);
/** What the synthetic microphone plays (adapters/microphone/synthetic.ts MICROPHONE_SIGNALS); absent: tone. */
const MicrophoneSignalSchema = Type.Union([Type.Literal('tone'), Type.Literal('tone-noise'), Type.Literal('quiet-tone')], {
  description: 'tone: the 1000 Hz tone bursts with silent gaps; tone-noise: the same over steady white noise at -40 dBFS RMS; quiet-tone: the tone at -40 dBFS peak',
});
export const SyntheticMicrophoneSchema = Type.Object({ kind: Type.Literal('synthetic'), signal: Type.Optional(MicrophoneSignalSchema), ...Materialized, ...MicFault }, { additionalProperties: false });
export const MicrophoneSourceSchema = Type.Union([
  SyntheticMicrophoneSchema,
  Type.Object({ kind: Type.Literal('pulse'), ...MicFault, source: NonEmptyString }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('pulse-virtual'), ...MicFault, sink: NonEmptyString },
    { additionalProperties: false, description: 'a PulseAudio null sink the bench makes and feeds with the synthetic tone; capture its monitor source <sink>.monitor' },
  ),
  Type.Object({ kind: Type.Literal('alsa'), ...MicFault, device: NonEmptyString }, { additionalProperties: false, description: 'an ALSA capture device (hw:1,0, plughw:CARD=Mic)' }),
  Type.Object({ kind: Type.Literal('file'), ...MicFault, path: NonEmptyString }, { additionalProperties: false }),
]);
export const SerialPortConfigSchema = Type.Object(
  {
    port: Type.String({ minLength: 1, pattern: '^(/\\S+|simulated)$', description: 'the serial device path (/dev/ttyUSB0, or a socat pty link); in a rig file, simulated: the bench runs a simulated device and passes its pty path' }),
    baudRate: Type.Integer({ minimum: 1200, maximum: 921600 }),
  },
  { additionalProperties: false },
);
export const PermissionAnswerSchema = Type.Union([Type.Literal('granted'), Type.Literal('denied')]);
/** Publish authentication carried in every push URL (the bench redacts both from every output). */
const PushAuthFields = {
  query: Type.Optional(Type.String({ minLength: 1, pattern: '^[^?#\\s]+$', description: 'appended to every push url as ?query, e.g. txSecret=…&txTime=…' })),
  credentials: Type.Optional(Type.String({ pattern: '^[^:@/\\s]+:[^@/\\s]*$', description: 'user:password put in every push url' })),
};
export const ServerConfigSchema = Type.Union([
  Type.Object({ kind: Type.Literal('embedded'), ...PushAuthFields }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('external'), url: NonEmptyString, ...PushAuthFields }, { additionalProperties: false }),
]);
export const RigSchema = Type.Object(
  {
    camera: Type.Object({ front: CameraSourceSchema, back: CameraSourceSchema }, { additionalProperties: false }),
    microphone: MicrophoneSourceSchema,
    permissions: Type.Object({ camera: PermissionAnswerSchema, record: PermissionAnswerSchema }, { additionalProperties: false }),
    server: ServerConfigSchema,
    assets: Type.Object({ bgm: Type.Optional(Type.String()), waitingImage: Type.Optional(Type.String()) }, { additionalProperties: false }),
    network: Type.Record(Type.String(), Type.Unknown(), { description: 'reserved for network impairment' }),
    hardwareEncoder: Type.Optional(
      Type.Object(
        { device: NonEmptyString },
        {
          additionalProperties: false,
          description:
            'ask for a hardware H.264 encoder on this device (a VAAPI render node such as /dev/dri/renderD128); where it cannot start, the pusher encodes in software and reports 1103 (硬编码启动失败, 采用软编码)',
        },
      ),
    ),
    serial: Type.Optional(
      Type.Object(
        { relay: Type.Optional(SerialPortConfigSchema), marker: Type.Optional(SerialPortConfigSchema) },
        { additionalProperties: false, description: 'serial lab gear speaking adapters/serial/line-protocol.ts: a power relay and a latency marker' },
      ),
    ),
  },
  { additionalProperties: false },
);

// ---- bench -> driver: requests ----

const Attrs = Type.Record(Type.String(), Type.Unknown(), { description: 'attributes by the spec\'s names (url, mode, enable-mic, …)' });

export const HelloRequestSchema = Type.Object({ id: RequestId, method: Type.Literal('hello') });
export const CreateRequestSchema = Type.Object({
  id: RequestId,
  method: Type.Literal('create'),
  params: Type.Object({ attrs: Attrs, rig: Type.Optional(RigSchema) }),
});
export const UpdateRequestSchema = Type.Object({ id: RequestId, method: Type.Literal('update'), params: Type.Object({ attrs: Attrs }) });
export const CallRequestSchema = Type.Object({
  id: RequestId,
  method: Type.Literal('call'),
  params: Type.Object({ name: Type.String({ description: 'a LivePusherContext method' }), args: Type.Record(Type.String(), Type.Unknown()) }),
});
export const DisposeRequestSchema = Type.Object({ id: RequestId, method: Type.Literal('dispose') });
/** Something the bench makes happen to the device (docs/driver-protocol.md "bench"): an
 *  interruption (a phone call, 状态码 5001) or the page going to the background begins or ends. */
export const BenchRequestSchema = Type.Object({
  id: RequestId,
  method: Type.Literal('bench'),
  params: Type.Object({ event: Type.Union([Type.Literal('interruption'), Type.Literal('background')]), phase: Type.Union([Type.Literal('begin'), Type.Literal('end')]) }, { additionalProperties: false }),
});
export const RequestSchema = Type.Union([HelloRequestSchema, CreateRequestSchema, UpdateRequestSchema, CallRequestSchema, BenchRequestSchema, DisposeRequestSchema]);
/** The request methods, in lifecycle order. */
export const REQUEST_METHODS = ['hello', 'create', 'update', 'call', 'bench', 'dispose'] as const;

// ---- driver -> bench: replies ----

export const CapabilitiesSchema = Type.Object({
  attributes: Type.Array(Type.String()),
  methods: Type.Array(Type.String()),
  events: Type.Array(Type.String()),
});
export const HelloResultSchema = Type.Object({
  name: NonEmptyString,
  version: NonEmptyString,
  platform: Type.Optional(Type.String()),
  protocolVersion: Type.Optional(Type.Integer({ minimum: 1, description: `the protocol version the driver speaks; absent: ${ASSUMED_PROTOCOL_VERSION}, with a warning` })),
  capabilities: CapabilitiesSchema,
});
/** The component's fail payload: a legitimate outcome, judged by the checks. */
export const ErrorPayloadSchema = Type.Object({ errMsg: Type.String(), errCode: Type.Optional(Type.Number()) });
export const ResultReplySchema = Type.Object({ id: RequestId, result: Type.Unknown() }, { required: ['id', 'result'] });
export const ErrorReplySchema = Type.Object({ id: RequestId, error: ErrorPayloadSchema });
export const ReplySchema = Type.Union([ResultReplySchema, ErrorReplySchema]);

/** What a method call's success payload carries (context-api.md), by method. */
const Ok = Type.Object({ errMsg: Type.Optional(Type.String()) });
const Size = Type.Union([Type.Number(), Type.String()]);
const SHAPED_RESULTS = {
  snapshot: Type.Object({ errMsg: Type.Optional(Type.String()), tempImagePath: Type.String({ description: 'a path readable by the bench' }), width: Size, height: Size }),
  getMaxZoom: Type.Object({ errMsg: Type.Optional(Type.String()), maxZoom: Size }),
  setZoom: Type.Object({ errMsg: Type.Optional(Type.String()), zoom: Type.Optional(Type.Number()) }),
  createOffscreenCanvas: Type.Object({
    errMsg: Type.Optional(Type.String()),
    path: Type.String({ minLength: 1, description: 'the canvas: a file on the bench host the bench replaces whole (temp file + rename) with one raw frame' }),
    width: Type.Integer({ minimum: 1, description: 'the push width' }),
    height: Type.Integer({ minimum: 1, description: 'the push height' }),
    format: Type.Literal('rgb24', { description: 'packed RGB, 3 bytes a pixel, rows top down, no header: width x height x 3 bytes' }),
  }),
};
export const METHOD_RESULT_SCHEMAS: Record<string, TSchema> = {
  ...(Object.fromEntries(METHOD_NAMES.map((m) => [m, Ok])) as Record<string, TSchema>),
  ...SHAPED_RESULTS,
};

// ---- driver -> bench: events ----

export const NetstatusInfoSchema = Type.Object(Object.fromEntries(NETSTATUS_KEYS.map((k) => [k, Type.Number()])));
const Empty = Type.Object({});
export const EVENT_DETAIL_SCHEMAS = {
  statechange: Type.Object({ code: Type.Number(), message: Type.String() }),
  netstatus: Type.Object({ info: NetstatusInfoSchema }),
  error: Type.Object({ errMsg: Type.String(), errCode: Type.Number() }),
  bgmstart: Empty,
  bgmprogress: Type.Object({ progress: Type.Number(), duration: Type.Number() }),
  bgmcomplete: Empty,
  audiovolumenotify: Type.Object({ volume: Type.Number() }),
  enterpictureinpicture: Empty,
  leavepictureinpicture: Empty,
} satisfies Record<(typeof EVENT_TYPES)[number], TSchema>;

/** Events of the bench's custom-rendering side channel (docs/driver-protocol.md "Custom
 *  rendering"): not events of the component, so never claimed in hello.capabilities. */
export const SIDE_CHANNEL_EVENT_SCHEMAS = {
  customrendererframe: Type.Object({
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    timestamp: Type.Number({ description: 'when the frame was captured, ms since the Unix epoch' }),
    path: Type.String({ minLength: 1, description: 'a file on the bench host holding the frame (width x height x 3 bytes, rgb24); valid for at least 2 s' }),
    format: Type.Literal('rgb24'),
  }),
  customrendererupdate: Type.Object({ width: Type.Integer({ minimum: 1 }), height: Type.Integer({ minimum: 1 }) }),
};
/** The side channel's event names. */
export const SIDE_CHANNEL_EVENTS = Object.keys(SIDE_CHANNEL_EVENT_SCHEMAS) as (keyof typeof SIDE_CHANNEL_EVENT_SCHEMAS)[];

export const EventMessageSchema = Type.Object({
  event: NonEmptyString,
  detail: Type.Unknown({ description: 'the event\'s detail (EVENT_DETAIL_SCHEMAS); its content is judged by the checks' }),
  ts: Type.Number({ description: 'ms since the Unix epoch when the driver emitted the event' }),
}, { required: ['event', 'detail', 'ts'] });

/** Any line the driver writes on stdout: a reply or an event. */
export const IncomingSchema = Type.Union([ReplySchema, EventMessageSchema]);

/** The single JSON Schema document of the protocol (draft 2020-12), every part under $defs. */
export function driverProtocolJsonSchema(): Record<string, unknown> {
  const defs: Record<string, unknown> = {
    Rig: RigSchema,
    Request: RequestSchema,
    HelloRequest: HelloRequestSchema,
    CreateRequest: CreateRequestSchema,
    UpdateRequest: UpdateRequestSchema,
    CallRequest: CallRequestSchema,
    BenchRequest: BenchRequestSchema,
    DisposeRequest: DisposeRequestSchema,
    Reply: ReplySchema,
    ResultReply: ResultReplySchema,
    ErrorReply: ErrorReplySchema,
    HelloResult: HelloResultSchema,
    ErrorPayload: ErrorPayloadSchema,
    EventMessage: EventMessageSchema,
    Incoming: IncomingSchema,
    ...Object.fromEntries(Object.entries({ ...EVENT_DETAIL_SCHEMAS, ...SIDE_CHANNEL_EVENT_SCHEMAS }).map(([k, v]) => [`EventDetail_${k}`, v])),
    ...Object.fromEntries(Object.entries(METHOD_RESULT_SCHEMAS).map(([k, v]) => [`MethodResult_${k}`, v])),
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'live-pusher-bench IUT driver protocol',
    description: `Newline-delimited JSON between the bench and an IUT driver, protocol version ${PROTOCOL_VERSION}. See docs/driver-protocol.md.`,
    $defs: JSON.parse(JSON.stringify(defs)) as Record<string, unknown>,
  };
}

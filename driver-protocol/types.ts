// The driver protocol's types, derived from the one schema (schema.ts) so they cannot drift
// from what the bench validates (docs/driver-protocol.md).
import type { Static } from '@sinclair/typebox';
import type {
  CallRequestSchema,
  CameraSourceSchema,
  CapabilitiesSchema,
  CreateRequestSchema,
  DeviceFaultSchema,
  DisposeRequestSchema,
  ErrorPayloadSchema,
  ErrorReplySchema,
  EVENT_DETAIL_SCHEMAS,
  EventMessageSchema,
  HelloRequestSchema,
  HelloResultSchema,
  IncomingSchema,
  MicrophoneSourceSchema,
  PermissionAnswerSchema,
  ReplySchema,
  RequestSchema,
  ResultReplySchema,
  RigSchema,
  SerialPortConfigSchema,
  SpeakerSchema,
  ServerConfigSchema,
  UpdateRequestSchema,
} from './schema.ts';

export type Rig = Static<typeof RigSchema>;
export type CameraSource = Static<typeof CameraSourceSchema>;
export type MicrophoneSource = Static<typeof MicrophoneSourceSchema>;
export type DeviceFault = Static<typeof DeviceFaultSchema>;
export type PermissionAnswer = Static<typeof PermissionAnswerSchema>;
export type ServerConfig = Static<typeof ServerConfigSchema>;
export type SerialPortConfig = Static<typeof SerialPortConfigSchema>;
export type Speaker = Static<typeof SpeakerSchema>;

export type HelloRequest = Static<typeof HelloRequestSchema>;
export type CreateRequest = Static<typeof CreateRequestSchema>;
export type UpdateRequest = Static<typeof UpdateRequestSchema>;
export type CallRequest = Static<typeof CallRequestSchema>;
export type DisposeRequest = Static<typeof DisposeRequestSchema>;
export type DriverRequest = Static<typeof RequestSchema>;

export type Capabilities = Static<typeof CapabilitiesSchema>;
export type HelloResult = Static<typeof HelloResultSchema>;
export type ErrorPayload = Static<typeof ErrorPayloadSchema>;
export type ResultReply = Static<typeof ResultReplySchema>;
export type ErrorReply = Static<typeof ErrorReplySchema>;
export type Reply = Static<typeof ReplySchema>;
export type EventMessage = Static<typeof EventMessageSchema>;
/** Any line a driver writes on stdout. */
export type Incoming = Static<typeof IncomingSchema>;

export type EventDetails = { [K in keyof typeof EVENT_DETAIL_SCHEMAS]: Static<(typeof EVENT_DETAIL_SCHEMAS)[K]> };

// RTMP NetConnection / NetStream commands (Adobe RTMP spec §7.2: command message = AMF0 name,
// transaction id, command object, optional arguments). Builders for the publish sequence
// (connect, releaseStream, FCPublish, createStream, publish, FCUnpublish, deleteStream) and the
// replies (_result, _error, onStatus), a typed parser, and onStatus info objects (§7.2.2.6:
// level, code, description).
import { ProtocolError } from '../errors.ts';
import { Amf0Date, Amf0EcmaArray, decodeAmf0, encodeAmf0 } from '../amf0.ts';
import type { Amf0Object, Amf0Value } from '../amf0.ts';

export interface RtmpCommand {
  name: string;
  transactionId: number;
  /** Command object (connect's properties, _result's properties) or null. */
  commandObject: Amf0Value;
  /** Optional arguments after the command object. */
  args: Amf0Value[];
}

/** Command names used by the publish sequence (§7.2.1, §7.2.2, plus the FMLE extensions). */
export const CommandName = {
  Connect: 'connect',
  ReleaseStream: 'releaseStream',
  FcPublish: 'FCPublish',
  CreateStream: 'createStream',
  Publish: 'publish',
  FcUnpublish: 'FCUnpublish',
  DeleteStream: 'deleteStream',
  Result: '_result',
  Error: '_error',
  OnStatus: 'onStatus',
  OnFcPublish: 'onFCPublish',
  OnBwDone: 'onBWDone',
} as const;

/** onStatus / _result info codes (§7.2.1.1, §7.2.2.6 and the Flash NetStatusEvent table). */
export const StatusCode = {
  ConnectSuccess: 'NetConnection.Connect.Success',
  ConnectRejected: 'NetConnection.Connect.Rejected',
  ConnectFailed: 'NetConnection.Connect.Failed',
  ConnectClosed: 'NetConnection.Connect.Closed',
  PublishStart: 'NetStream.Publish.Start',
  PublishBadName: 'NetStream.Publish.BadName',
  PublishIdle: 'NetStream.Publish.Idle',
  UnpublishSuccess: 'NetStream.Unpublish.Success',
  StreamFailed: 'NetStream.Failed',
} as const;

export type StatusLevel = 'status' | 'warning' | 'error';

export interface StatusInfo {
  level: StatusLevel;
  code: string;
  description: string;
  [extra: string]: Amf0Value;
}

/** The transaction id of connect (§7.2.1.1: always 1). Notifications such as onStatus use 0. */
export const CONNECT_TRANSACTION_ID = 1;
export const NOTIFY_TRANSACTION_ID = 0;

/** AMF0 object encoding (§7.2.1.1 objectEncoding). */
export const OBJECT_ENCODING_AMF0 = 0;

export type PublishType = 'live' | 'record' | 'append';

export interface ConnectParams {
  app: string;
  tcUrl: string;
  flashVer: string;
  /** Extra properties for the command object (swfUrl, pageUrl, ...). */
  extra?: Amf0Object;
}

export function isAmf0Object(v: Amf0Value): v is Amf0Object {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Amf0EcmaArray) && !(v instanceof Amf0Date);
}

export function encodeCommand(cmd: RtmpCommand): Uint8Array {
  return encodeAmf0(cmd.name, cmd.transactionId, cmd.commandObject, ...cmd.args);
}

/** Parses an AMF0 command payload. Throws ProtocolError ('amf0' for bad AMF0, 'rtmp-command' for a bad shape). */
export function parseCommand(payload: Uint8Array): RtmpCommand {
  const values = decodeAmf0(payload);
  const [name, transactionId] = values;
  if (typeof name !== 'string') throw new ProtocolError('rtmp-command', 'command name is not a string');
  if (typeof transactionId !== 'number' || Number.isNaN(transactionId)) {
    throw new ProtocolError('rtmp-command', `command ${name}: transaction id is not a number`);
  }
  return { name, transactionId, commandObject: values.length > 2 ? values[2] : null, args: values.slice(3) };
}

export function connectCommand(params: ConnectParams, transactionId: number = CONNECT_TRANSACTION_ID): RtmpCommand {
  const commandObject: Amf0Object = {
    app: params.app,
    type: 'nonprivate',
    flashVer: params.flashVer,
    tcUrl: params.tcUrl,
    objectEncoding: OBJECT_ENCODING_AMF0,
    ...params.extra,
  };
  return { name: CommandName.Connect, transactionId, commandObject, args: [] };
}

export function releaseStreamCommand(transactionId: number, streamName: string): RtmpCommand {
  return { name: CommandName.ReleaseStream, transactionId, commandObject: null, args: [streamName] };
}

export function fcPublishCommand(transactionId: number, streamName: string): RtmpCommand {
  return { name: CommandName.FcPublish, transactionId, commandObject: null, args: [streamName] };
}

export function createStreamCommand(transactionId: number): RtmpCommand {
  return { name: CommandName.CreateStream, transactionId, commandObject: null, args: [] };
}

export function publishCommand(transactionId: number, streamName: string, publishType: PublishType = 'live'): RtmpCommand {
  return { name: CommandName.Publish, transactionId, commandObject: null, args: [streamName, publishType] };
}

export function fcUnpublishCommand(transactionId: number, streamName: string): RtmpCommand {
  return { name: CommandName.FcUnpublish, transactionId, commandObject: null, args: [streamName] };
}

export function deleteStreamCommand(transactionId: number, streamId: number): RtmpCommand {
  return { name: CommandName.DeleteStream, transactionId, commandObject: null, args: [streamId] };
}

export function resultCommand(transactionId: number, commandObject: Amf0Value, ...args: Amf0Value[]): RtmpCommand {
  return { name: CommandName.Result, transactionId, commandObject, args };
}

export function errorCommand(transactionId: number, commandObject: Amf0Value, ...args: Amf0Value[]): RtmpCommand {
  return { name: CommandName.Error, transactionId, commandObject, args };
}

export function onStatusCommand(info: StatusInfo, transactionId: number = NOTIFY_TRANSACTION_ID): RtmpCommand {
  return { name: CommandName.OnStatus, transactionId, commandObject: null, args: [{ ...info }] };
}

export function statusInfo(level: StatusLevel, code: string, description: string): StatusInfo {
  return { level, code, description };
}

/** Reads an info object (level/code/description) from an AMF0 value, if it is one. */
export function toStatusInfo(value: Amf0Value): StatusInfo | undefined {
  if (!isAmf0Object(value)) return undefined;
  const { level, code, description } = value;
  if (typeof code !== 'string') return undefined;
  const lvl: StatusLevel = level === 'error' || level === 'warning' ? level : 'status';
  return { ...value, level: lvl, code, description: typeof description === 'string' ? description : '' };
}

/** The info object of an onStatus/_result/_error command: the first argument, else the command object. */
export function commandStatusInfo(cmd: RtmpCommand): StatusInfo | undefined {
  for (const candidate of [...cmd.args, cmd.commandObject]) {
    const info = toStatusInfo(candidate);
    if (info) return info;
  }
  return undefined;
}

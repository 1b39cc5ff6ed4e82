// The rows of the spec a check can cover (spec/ is the one source of truth for
// coverage, docs/architecture.md "Layers"), each with a stable key that checks name in CheckMeta.specRows:
//   attribute:<name>            every attribute of the 通用属性 table
//   attribute:<name>=<value>    each legal value (booleans: true and false; arrays as [a,b])
//   status:<code>               each 状态码 (code)
//   error:<code>                each 错误码 (errCode)
//   netstatus:<key>             each 网络状态数据 (info) key
//   event:<event>               each event (protocol name: statechange, netstatus, ...)
//   method:<name>               each LivePusherContext method (context-api.md)
import type { StatusCodeNumber, ErrorCodeNumber } from '../spec/codes.ts';
import type { AttributeName, EnumValue, EventType, LivePusherSpec, MethodName, NetstatusKey } from '../spec/index.ts';

/**
 * A coverage key, typed from the spec's own names (checks declare these in CheckMeta.specRows):
 * a misspelt attribute, method, event, netstatus key or code does not compile. Value rows are
 * checked against the spec's legal values at run time (coverage lists unknown rows).
 */
export type SpecRowKey =
  | `attribute:${AttributeName}`
  | `attribute:${AttributeName}=${string}`
  | `status:${StatusCodeNumber}`
  | `error:${ErrorCodeNumber}`
  | `netstatus:${NetstatusKey}`
  | `event:${EventType}`
  | `method:${MethodName}`;

export type SpecRowKind = 'attribute' | 'attribute value' | 'status code' | 'error code' | 'netstatus' | 'event' | 'method';

export interface SpecRow {
  key: string;
  kind: SpecRowKind;
  /** Human label: the attribute / code / key / event / method, and the value. */
  label: string;
  /** For a value row, the key of its attribute row (covered when any value is). */
  parent?: string;
}

const BOOLEAN_VALUES = ['true', 'false'] as const;

export function formatValue(v: EnumValue): string {
  return Array.isArray(v) ? `[${v.join(',')}]` : String(v);
}

export const attributeKey = (name: AttributeName): SpecRowKey => `attribute:${name}`;
export const attributeValueKey = (name: AttributeName, value: EnumValue | boolean): SpecRowKey =>
  `attribute:${name}=${typeof value === 'boolean' ? String(value) : formatValue(value)}`;
export const statusKey = (code: StatusCodeNumber): SpecRowKey => `status:${code}`;
export const errorKey = (code: ErrorCodeNumber): SpecRowKey => `error:${code}`;
export const netstatusKey = (key: NetstatusKey): SpecRowKey => `netstatus:${key}`;
export const eventKey = (event: EventType): SpecRowKey => `event:${event}`;
export const methodKey = (name: MethodName): SpecRowKey => `method:${name}`;

/** Every row of the spec, in table order. */
export function specRows(spec: LivePusherSpec): SpecRow[] {
  const rows: SpecRow[] = [];
  for (const a of spec.attributes) {
    const parent = attributeKey(a.name);
    rows.push({ key: parent, kind: 'attribute', label: a.name });
    const values: string[] = a.values?.length ? a.values.map((v) => formatValue(v.value)) : a.type === 'boolean' ? [...BOOLEAN_VALUES] : [];
    for (const v of values) rows.push({ key: `${parent}=${v}`, kind: 'attribute value', label: `${a.name} = ${v}`, parent });
  }
  for (const s of spec.statusCodes) rows.push({ key: `status:${s.code}`, kind: 'status code', label: `${s.code} ${s.meaning}` });
  for (const e of spec.errorCodes) rows.push({ key: `error:${e.code}`, kind: 'error code', label: `${e.code} ${e.meaning}` });
  for (const n of spec.netstatus) rows.push({ key: netstatusKey(n.key), kind: 'netstatus', label: n.key });
  for (const e of spec.events) rows.push({ key: eventKey(e.event), kind: 'event', label: `${e.event} (${e.name})` });
  for (const m of spec.methods) rows.push({ key: methodKey(m.name), kind: 'method', label: m.name });
  return rows;
}

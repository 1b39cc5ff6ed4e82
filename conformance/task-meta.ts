// What a check hands its reporters through vitest's task.meta (serialized from the worker to the
// main process): its declaration, the IUT that answered hello, its verdict and evidence.
import type { SpecRowKey } from '../reports/spec-rows.ts';
import type { RigRequirement } from './requirements.ts';
import type { Verdict } from './verdict.ts';

export type CheckArea = 'attributes' | 'events' | 'status-codes' | 'error-codes' | 'netstatus' | 'context' | 'core';
export type CheckSeverity = 'blocker' | 'critical' | 'normal' | 'minor' | 'trivial';

export interface CheckMeta {
  /** Stable id, e.g. 'attributes/mirror/true'. Also the test title. */
  id: string;
  area: CheckArea;
  /** The spec name, e.g. 'mirror'. */
  feature: string;
  /** The value or case, e.g. 'true'. */
  story: string;
  severity?: CheckSeverity;
  /** The spec row, e.g. 'live-pusher.zh.md 通用属性 mirror'. */
  spec: string;
  /** Coverage keys, e.g. ['attribute:mirror=true', 'status:1002']. */
  specRows?: SpecRowKey[];
  /** The tolerance the check applies, in words. */
  tolerance?: string;
  /**
   * What the check needs, evaluated before its IUT is spawned (not applicable, with the reason,
   * when unmet): capabilities the IUT must claim in hello (core names,
   * conformance/core-capabilities.ts, are always required and never make a check skip), and what
   * the rig must offer (conformance/requirements.ts).
   */
  requires?: { attributes?: string[]; methods?: string[]; events?: string[]; rig?: readonly RigRequirement[] };
  timeoutMs?: number;
}

export interface RecordedAttachment {
  name: string;
  contentType: string;
  /** Path relative to the output folder. */
  path: string;
}

export interface CheckTaskMeta {
  check: CheckMeta;
  iut?: { name: string; version: string; platform?: string; capabilities?: { attributes: string[]; methods: string[]; events: string[] } };
  verdict?: Verdict;
  /** Why the check was skipped, or the error message of a failed / broken check. */
  message?: string;
  attachments: RecordedAttachment[];
}

declare module 'vitest' {
  interface TaskMeta {
    lpbench?: CheckTaskMeta;
  }
}

/** Allure label names used to hand the verdict to the Allure listener (removed before writing). */
export const VERDICT_LABEL = 'lpbench.verdict';
export const REASON_LABEL = 'lpbench.reason';

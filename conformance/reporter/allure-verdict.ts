// An Allure lifecycle listener that makes Allure agree with the check's own verdict (docs/architecture.md
// "House style": infrastructure failures are *broken*, assertion failures are *failed*). allure-vitest guesses
// failed-vs-broken from the error's name, message and stack; the check knows (conformance/
// verdict.ts) and hands its verdict and reason over as labels, which this listener applies and
// then removes, so a skipped check shows why it did not apply.
import type { LifecycleListener } from 'allure-js-commons/sdk/reporter';
import type { TestResult } from 'allure-js-commons';
import { Status } from 'allure-js-commons';
import { REASON_LABEL, VERDICT_LABEL } from '../task-meta.ts';

const STATUS_OF: Record<string, Status> = {
  passed: Status.PASSED,
  failed: Status.FAILED,
  broken: Status.BROKEN,
  skipped: Status.SKIPPED,
};

export function applyVerdict(result: TestResult): void {
  const verdict = result.labels.find((l) => l.name === VERDICT_LABEL)?.value;
  const reason = result.labels.find((l) => l.name === REASON_LABEL)?.value;
  result.labels = result.labels.filter((l) => l.name !== VERDICT_LABEL && l.name !== REASON_LABEL);
  const status = verdict === undefined ? undefined : STATUS_OF[verdict];
  // Only a test that really ended not-passed is re-labelled: a passing run stays passed.
  if (status === undefined || result.status === Status.PASSED) return;
  result.status = status;
  if (status === Status.SKIPPED && reason !== undefined) {
    result.statusDetails = { ...result.statusDetails, message: reason };
  }
}

export const allureVerdictListener: LifecycleListener = {
  beforeTestResultWrite: applyVerdict,
};

// One push judged by several checks (the 11 netstatus fields are one report stream measured
// against one recording). The first check of the file that needs the scenario runs it with its
// own IUT; the other checks in the same file reuse the result, and each attaches the evidence of
// the push it was judged on, so every Allure test stands on its own. vitest runs the tests of a
// file in order inside one worker, so a memo never crosses files or runs. A scenario that fails
// fails (or breaks) every check that shares it, with the same message.
import type { CheckContext } from '../../check.ts';
import type { IutEvent } from '../../iut-client.ts';

export interface Shared<T> {
  value: T;
  /** Id of the check whose IUT made the push. */
  madeBy: string;
  /** That IUT's event log when the scenario ended. */
  events: IutEvent[];
}

export function sharedScenario<T>(
  run: (ctx: CheckContext) => Promise<T>,
  /** Attaches the scenario's evidence to each check; `reused` when another check made the push. */
  evidence: (ctx: CheckContext, value: T, reused: boolean) => Promise<void>,
): (ctx: CheckContext) => Promise<T> {
  let memo: Promise<Shared<T>> | undefined;
  return async (ctx) => {
    memo ??= run(ctx).then((value) => ({ value, madeBy: ctx.meta.id, events: [...ctx.iut.events()] }));
    const shared = await memo;
    const reused = shared.madeBy !== ctx.meta.id;
    if (reused) {
      ctx.log(`judged on the push made during check ${shared.madeBy} (one push, judged field by field)`);
      await ctx.attach(`IUT event log of the shared push (${shared.madeBy})`, 'application/json', JSON.stringify(shared.events, null, 2));
    }
    await evidence(ctx, shared.value, reused);
    return shared.value;
  };
}

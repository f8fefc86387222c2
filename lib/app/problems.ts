// What went wrong, as the popup's Problem: a code and data, never words (the popup words them, in the user's
// language). Every failure of a request (RpsError) is mapped here, once (a sign-in's refusal: lib/messages.ts
// refusalOf). The service's own `message` is never passed on: the popup is trusted UI and speaks only in the
// extension's words.
import { MpinInputError } from '../mpin/index';
import { RpsError } from '../rps/client';
import type { FlowRecord } from '../store/records';
import { RetryIntent } from '../store/records';
import type { Intent, Problem, ProblemCode, ProblemDetail } from '../ui-state';

/** A problem as the popup gets it: a code, whether a retry can help, and which case of the code it is. */
export function problem(code: ProblemCode, retry = false, detail?: ProblemDetail): Problem {
  return { code, retry, ...(detail ? { detail } : {}) };
}

/** Whether `e` is the service's HTTP answer with one of these statuses. */
export const isHttp = (e: unknown, ...statuses: number[]): boolean =>
  e instanceof RpsError && e.kind === 'http' && statuses.includes(e.status ?? 0);

/** A failed request as a problem (`retry` offered when trying again as it was can help). */
export function problemOf(e: unknown): Problem {
  if (e instanceof RpsError) {
    switch (e.kind) {
      case 'network':
        return problem('network', true);
      case 'timeout':
        return problem('network', true, 'timeout');
      case 'malformed':
        return problem('malformed', true);
      case 'origin':
        return problem('malformed', false, 'sends-elsewhere');
      case 'http':
        if (e.status === 403) return problem('not-authorized');
        return { code: 'service-error', retry: true, status: e.status ?? 500 };
    }
  }
  if (e instanceof MpinInputError) return problem('malformed', true);
  console.warn('[mpin] internal error:', e instanceof Error ? e.name : 'error');
  return problem('internal', true);
}

/** The flow with a problem, and the intent that "retry" replays when it carries no PIN. */
export function withProblem<F extends FlowRecord>(flow: F, p: Problem, intent?: Intent): F {
  const retry = p.retry && intent && RetryIntent.safeParse(intent).success ? intent : undefined;
  return { ...flow, problem: p, ...(retry ? { retry } : {}) };
}

/** The flow without its problem and retry. */
export function fresh<F extends FlowRecord>(flow: F): F {
  const { problem: _p, retry: _r, ...rest } = flow as F & { problem?: unknown; retry?: unknown };
  return rest as F;
}

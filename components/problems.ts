// The popup's words for a Problem from the background, which sends codes and data only: a headline per code, then
// what happened and what to do, by code or by the code's detail, in the user's language (locales/<lang>.yml:
// `problem.<code>.headline|message`, `problemDetail.<detail>`, codes and details in camelCase).
import { i18n, type GeneratedI18nStructure } from '#i18n';
import type { Problem, ProblemCode } from '@/lib/ui-state';

export interface ProblemWords {
  headline: string;
  message: string;
}

type Key = keyof GeneratedI18nStructure;
type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;

/** A code or detail as a catalogue key: the keys it builds are checked against the catalogue (type Key). */
const camel = <S extends string>(text: S) => text.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as Camel<S>;

/** The words that name the service in another way ("the service"), for when it has no name to show. */
const UNNAMED: Partial<Record<ProblemCode, { headline?: Key; message?: Key }>> = {
  network: { headline: 'problem.network.headlineUnnamed' },
  malformed: { headline: 'problem.malformed.headlineUnnamed' },
  'service-error': { headline: 'problem.serviceError.headlineUnnamed' },
  'permission-denied': {
    headline: 'problem.permissionDenied.headlineUnnamed',
    message: 'problem.permissionDenied.messageUnnamed',
  },
  'page-changed': { message: 'problem.pageChanged.messageUnnamed' },
};

/** i18n.t for a key chosen at run time, with the values any of the problem's words may name. */
const say = i18n.t as (key: Key, values: Record<'service' | 'status', string | number>) => string;

/** What the popup says about a problem; `service` names the service it concerns, when known. */
export function problemWords(problem: Problem, service?: string): ProblemWords {
  const name = camel(problem.code);
  const unnamed = service === undefined ? UNNAMED[problem.code] : undefined;
  // A service-error from the service's side (5xx) is said otherwise than its refusal (4xx).
  const message: Key =
    problem.code === 'service-error' && (problem.status ?? 0) >= 500
      ? 'problem.serviceError.failed'
      : problem.detail
        ? `problemDetail.${camel(problem.detail)}`
        : (unnamed?.message ?? `problem.${name}.message`);
  const values = { service: service ?? '', status: problem.status ?? '' };
  return { headline: say(unnamed?.headline ?? `problem.${name}.headline`, values), message: say(message, values) };
}

// The one e-mail address rule of the project: the extension's register screen, the demo site's PIN pad and the
// relying party's registration hook all accept exactly the same addresses.

/**
 * The WHATWG "valid e-mail address" production (what <input type="email"> accepts). Deliberately simpler than
 * RFC 5322: no quoted local parts, no IP literals, which no activation mailer needs.
 */
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** The longest address SMTP can carry (RFC 5321's path limit less its brackets). */
export const MAX_EMAIL_LENGTH = 254;

export function isEmail(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_EMAIL_LENGTH && EMAIL.test(value);
}

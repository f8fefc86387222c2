/** What every part of the server is given: configuration, storage, the RPS credentials, mail, and its URLs. */
import type { Config } from './config.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Storage } from './storage/types.ts';
import type { Credentials } from './util/secret-files.ts';

export interface ServerContext {
  config: Config;
  storage: Storage;
  credentials: Credentials;
  mailer: Mailer;
  /** Where users reach the site, e.g. http://localhost:8080 (known once the public port listens). */
  publicUrl: string;
  /** The private listener on 127.0.0.1: RPS private API, first D-TA, relying-party hooks. */
  privateUrl: string;
  now: () => number;
}

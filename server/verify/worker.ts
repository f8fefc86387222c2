/**
 * A pass-2 checker thread: holds one verifier (the server secret's pairing lines, computed once) and answers each
 * batch of checks with a verdict per item. Started by pass2-verifier.ts through worker-entry.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mpin } from '../../lib/mpin/index.ts';
import type { CheckReply, CheckRequest } from './messages.ts';
import { checkItems } from './pass2-verifier.ts';

const { serverSecret } = workerData as { serverSecret: Uint8Array };
const verifier = mpin.createVerifier(serverSecret);

parentPort?.on('message', (request: CheckRequest) => {
  const reply: CheckReply = { verdicts: checkItems(verifier, request.items, request.batch) };
  parentPort?.postMessage(reply);
});

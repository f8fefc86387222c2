/** Types of profile-window.mjs (plain JavaScript, so that the server's worker threads can load it). */
export function startProfile(): Promise<void>;
export function stopProfile(): Promise<string>;

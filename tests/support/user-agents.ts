/**
 * A computer's User-Agent for the tests of the PC's context (issue 11): what a PC running Chrome on Windows sends, so
 * that the phone is told "Chrome" and "Windows" whatever browser runs the test. Test support only.
 */
export const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

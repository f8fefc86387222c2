/**
 * The protected page's long poll (docs/protocol.md §6.6): GET /logoutWait answers "OK" once this browser's
 * session has been signed out (by the phone, or elsewhere), 204 after ~25 s without news; then ask again.
 * On "OK" the page returns to the home page with "You have been logged out!".
 */
import { sleep } from './page.ts';

async function waitForLogout(): Promise<void> {
  for (;;) {
    let res: Response;
    try {
      res = await fetch('/logoutWait', { credentials: 'same-origin', cache: 'no-store' });
    } catch {
      await sleep(5000);
      continue;
    }
    if (res.status === 200 && (await res.text()).trim() === 'OK') {
      location.assign('/?m=logged-out');
      return;
    }
    if (res.status !== 204) await sleep(5000);
  }
}

void waitForLogout();

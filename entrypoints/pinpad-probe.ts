// The PIN pad probe: injected into the active tab's top frame when the popup opens on "Add a service"
// (scripting.executeScript with this file, allowed by activeTab), it answers with the tab's origin and whether the
// page shows an M-Pin PIN pad, decided by the content script's own detector (lib/pinpad/detect.ts): one rule for
// what a PIN pad is. The script's value is its answer (WXT returns main's result). It reads the DOM only, builds no
// zod schema (so it needs no lib/zod-jitless) and leaves nothing behind in the page.
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { detectPinpad } from '@/lib/pinpad/detect';

export default defineUnlistedScript(() => ({ origin: location.origin, found: detectPinpad(document) !== null }));

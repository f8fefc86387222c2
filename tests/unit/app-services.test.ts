// @vitest-environment node
// Several services (issue 10), the background's side, against two REAL reference servers: "Add a service" from the
// menu, the registration form that lists every added service and registers on the one picked, and the menu that
// shows each identity's service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server';
import { enrol, useAppFixture } from './app-fixture';

let first: TestServer;
let second: TestServer;
beforeAll(async () => {
  [first, second] = await Promise.all([
    startTestServer({ REQUIRE_ACTIVATION: 'false' }),
    startTestServer({ REQUIRE_ACTIVATION: 'false', SET_DEVICE_NAME: 'false' }),
  ]);
});
afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
});

const { makeApp, dump } = useAppFixture('services');
const host = (server: TestServer) => new URL(server.publicUrl).host;

describe('several services', () => {
  it('"Add a service" from the menu, then a registration on the service picked on the form', async () => {
    const { act, syncContentScripts } = makeApp();
    await enrol(act, first.publicUrl, 'ann@example.com', '1111');

    await act({ kind: 'openMenu' });
    // the add-service screen, with a way back now that a service exists
    expect(await act({ kind: 'openAddService' })).toEqual({ screen: 'add-service', canCancel: true });
    const form = await act({ kind: 'addService', url: second.publicUrl });
    expect(syncContentScripts).toHaveBeenLastCalledWith(expect.arrayContaining([first.publicUrl, second.publicUrl]));
    // the form is for the new service, and lists both, each with what its form asks for
    expect(form).toMatchObject({ screen: 'register', service: { origin: second.publicUrl } });
    const services = form.screen === 'register' ? form.services : [];
    expect(services.map((s) => s.origin).sort()).toEqual([first.publicUrl, second.publicUrl].sort());
    expect(services.find((s) => s.origin === first.publicUrl)).toMatchObject({ name: host(first) });
    expect(services.find((s) => s.origin === second.publicUrl)?.setDeviceName).not.toBe(
      services.find((s) => s.origin === first.publicUrl)?.setDeviceName,
    );

    // "Setup M-Pin" with the other service picked: the identity is made there
    expect(
      await act({ kind: 'register', email: 'ann@example.com', deviceName: 'myLaptop', origin: first.publicUrl }),
    ).toMatchObject({ screen: 'setup-pin', identity: { service: { origin: first.publicUrl } } });
    await act({ kind: 'setPin', pin: '2222' });

    // and on the new one, from "Add new identity"
    await act({ kind: 'openMenu' });
    await act({ kind: 'addIdentity' });
    await act({ kind: 'register', email: 'ann@example.com', deviceName: '', origin: second.publicUrl });
    await act({ kind: 'setPin', pin: '3333' });

    // the same e-mail on the same service replaced the first identity there; the menu names each one's service
    const menu = await act({ kind: 'openMenu' });
    expect(menu.screen === 'menu' && menu.identities.map((i) => [i.userId, i.service.name]).sort()).toEqual(
      [
        ['ann@example.com', host(first)],
        ['ann@example.com', host(second)],
      ].sort(),
    );
    expect(JSON.parse(await dump()).identities).toHaveLength(2);
  });

  it('a failed registration comes back on the form of the service picked, with what was typed', async () => {
    const { act } = makeApp();
    await act({ kind: 'addService', url: first.publicUrl });
    await act({ kind: 'addService', url: second.publicUrl });
    const failed = await act({ kind: 'register', email: 'not-an-address', deviceName: '', origin: first.publicUrl });
    expect(failed).toMatchObject({
      screen: 'register',
      service: { origin: first.publicUrl },
      email: 'not-an-address',
      problem: { code: 'invalid-email' },
    });
  });

  it('"Cancel" on the add-service screen goes back; with no service at all there is nothing to cancel', async () => {
    const { act, app } = makeApp();
    expect(await app.getState()).toEqual({ screen: 'add-service' });
    await enrol(act, first.publicUrl, 'bea@example.com', '4444');
    await act({ kind: 'openMenu' });
    await act({ kind: 'openAddService' });
    expect(await act({ kind: 'cancel' })).toMatchObject({ screen: 'home', identity: { userId: 'bea@example.com' } });
  });

  it('"Add a service" offers the PIN pad found on the tab, unless its service was added before', async () => {
    let found = first.publicUrl;
    const { act } = makeApp({ detectPinpad: async () => found });
    await enrol(act, first.publicUrl, 'cy@example.com', '5555');
    await act({ kind: 'openMenu' });
    expect(await act({ kind: 'openAddService' })).toEqual({ screen: 'add-service', canCancel: true });
    await act({ kind: 'openMenu' });
    found = second.publicUrl;
    expect(await act({ kind: 'openAddService' })).toEqual({
      screen: 'add-service',
      canCancel: true,
      detected: { origin: second.publicUrl, name: host(second) },
    });
  });

  it('"Add a service" is the menu\'s own', async () => {
    const { act } = makeApp();
    await enrol(act, first.publicUrl, 'dan@example.com', '6666');
    expect(await act({ kind: 'openAddService' })).toMatchObject({ screen: 'home' });
  });
});

// @vitest-environment node
// Reading the "Setup your phone" QR code: a QR image drawn from the modules that the server's own QR library
// (qrcode, the one /setup-phone uses) computes, at several scales, decodes to its URL; other images decode to nothing.
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { decodeQr, type Pixels } from '@/lib/app/qr';

/** RGBA pixels of a QR code: black modules on white, `scale` pixels a module, a 4-module quiet zone. */
function draw(text: string, scale: number, invert = false): Pixels {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = (modules.size + 8) * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const mx = Math.floor(x / scale) - 4;
      const my = Math.floor(y / scale) - 4;
      const dark = mx >= 0 && my >= 0 && mx < modules.size && my < modules.size && modules.get(my, mx) === 1;
      const v = dark !== invert ? 0 : 255;
      data.set([v, v, v, 255], (y * size + x) * 4);
    }
  }
  return { data, width: size, height: size };
}

describe('decodeQr', () => {
  for (const scale of [3, 5, 8]) {
    it(`reads the service URL at ${scale} pixels a module`, () => {
      expect(decodeQr(draw('http://127.0.0.1:8080', scale))).toBe('http://127.0.0.1:8080');
    });
  }

  it('reads a dark-background (inverted) code too', () => {
    expect(decodeQr(draw('https://mpin.example.org/m', 4, true))).toBe('https://mpin.example.org/m');
  });

  it('finds nothing in a blank or noisy image, and refuses inconsistent sizes', () => {
    const blank = { data: new Uint8ClampedArray(100 * 100 * 4).fill(255), width: 100, height: 100 };
    expect(decodeQr(blank)).toBeNull();
    const noise = new Uint8ClampedArray(120 * 120 * 4);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251 > 125 ? 255 : 0;
    expect(decodeQr({ data: noise, width: 120, height: 120 })).toBeNull();
    expect(decodeQr({ data: new Uint8ClampedArray(10), width: 100, height: 100 })).toBeNull();
  });
});

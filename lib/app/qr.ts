// Reading the QR code of a service's "Setup your phone" page: the text it holds (Milagro's QR holds just the URL of
// the service, docs/protocol.md §7.4). Decoding is jsQR's; getting pixels out of a screenshot needs the browser.
import jsQR from 'jsqr';

export interface Pixels {
  /** RGBA, 4 bytes a pixel, row by row. */
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The text of the first QR code in the image, or null. */
export function decodeQr(image: Pixels): string | null {
  if (image.width <= 0 || image.height <= 0 || image.data.length !== image.width * image.height * 4) return null;
  return jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}

/** The pixels of a screenshot (a data: URL from tabs.captureVisibleTab), through an OffscreenCanvas. */
export async function pixelsOfDataUrl(dataUrl: string): Promise<Pixels> {
  const bitmap = await createImageBitmap(await (await fetch(dataUrl)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas');
  context.drawImage(bitmap, 0, 0);
  const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  bitmap.close();
  return { data, width, height };
}

import QRCode, { QRCodeToBufferOptions } from 'qrcode';

/** Side of the QR code picture in pixels: sharp in Telegram's photo viewer and in print. */
export const QR_PNG_WIDTH = 512;

/**
 * The PNG of a QR code for `link`, as sent to the master (M4).
 *
 * Every row is stored with PNG's "Up" filter (difference to the row above) instead of pngjs's default
 * adaptive choice, which tries all five filters (Paeth's predictor included) on every row of the 512 × 512
 * RGBA picture, synchronously on the event loop: it held every chat of the process ~60–100 ms per /qr
 * under plain Node (measured warm) and 2–4 s under jest's module sandbox, where the e2e steps after a
 * /qr missed their 5 s wait. A QR code is made of module squares, so most rows equal the row above:
 * "Up" turns them into zeros, and with zlib's default strategy the file is smaller than the adaptive one
 * (~2.6 KB against ~3.2 KB for a t.me link).
 *
 * WARNING: the rendering is still synchronous CPU work on the event loop (~30–40 ms measured warm under
 * plain Node, ~0.1–0.6 s under jest on a loaded machine); a burst of /qr from many masters queues behind it.
 */
export function renderQrPng(link: string): Promise<Buffer> {
  // pngjs's options, passed through by qrcode (whose types omit `filterType`). A fresh object per call: pngjs fills it in.
  const rendererOpts: NonNullable<QRCodeToBufferOptions['rendererOpts']> & { filterType: number } = {
    filterType: PNG_FILTER_UP,
    deflateStrategy: ZLIB_DEFAULT_STRATEGY,
  };
  return QRCode.toBuffer(link, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: QR_PNG_WIDTH, rendererOpts });
}

/** PNG filter type 2, "Up" (PNG spec, section 9.2). */
const PNG_FILTER_UP = 2;
/** zlib's Z_DEFAULT_STRATEGY (pngjs defaults to Z_RLE, which compresses these rows worse). */
const ZLIB_DEFAULT_STRATEGY = 0;

import { inflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { QR_PNG_WIDTH, renderQrPng } from '../src/application/show-qr-code/qr-png';

const LINK = 'https://t.me/finn_shop_bot?start=flyer_2026';
const MARGIN = 2;

interface Decoded {
  width: number;
  height: number;
  /** Filter type of each row (PNG spec 9.2: every scanline starts with it). */
  filters: number[];
  /** RGBA, row after row. */
  pixels: Buffer;
}

/** Decodes a non-interlaced 8-bit RGBA PNG (what qrcode writes), undoing all five row filters. */
function decodePng(png: Buffer): Decoded {
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  for (let offset = 8; offset < png.length;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bpp = 4;
  const stride = width * bpp;
  const pixels = Buffer.alloc(stride * height);
  const filters: number[] = [];
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    filters.push(filter);
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const left = x >= bpp ? pixels[y * stride + x - bpp] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const upLeft = x >= bpp && y > 0 ? pixels[(y - 1) * stride + x - bpp] : 0;
      const paeth = () => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predictor = [0, left, up, (left + up) >> 1, filter === 4 ? paeth() : 0][filter];
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, filters, pixels };
}

describe('the QR code picture sent for /qr', () => {
  it('is a 512 × 512 PNG whose dark squares are exactly the QR code of the link', async () => {
    const picture = decodePng(await renderQrPng(LINK));
    expect([picture.width, picture.height]).toEqual([QR_PNG_WIDTH, QR_PNG_WIDTH]);
    const { modules } = QRCode.create(LINK, { errorCorrectionLevel: 'M' });
    const scale = QR_PNG_WIDTH / (modules.size + 2 * MARGIN);
    const darkAt = (row: number, column: number): boolean => {
      const x = Math.floor((column + MARGIN + 0.5) * scale);
      const y = Math.floor((row + MARGIN + 0.5) * scale);
      return picture.pixels[(y * picture.width + x) * 4] === 0;
    };
    const mismatches: string[] = [];
    for (let row = 0; row < modules.size; row++)
      for (let column = 0; column < modules.size; column++)
        if (darkAt(row, column) !== Boolean(modules.get(row, column))) mismatches.push(`${row},${column}`);
    expect(mismatches).toEqual([]);
    expect(picture.pixels[0]).toBe(255); // the quiet zone around it is white
  });

  it('is the same picture every time, so re-sending it after a crash shows the master nothing new', async () => {
    expect((await renderQrPng(LINK)).equals(await renderQrPng(LINK))).toBe(true);
  });

  it('stores every row with the cheap "Up" filter, not the adaptive per-row search that held the whole app for seconds', async () => {
    const { filters } = decodePng(await renderQrPng(LINK));
    expect(filters).toHaveLength(QR_PNG_WIDTH);
    expect(new Set(filters)).toEqual(new Set([2]));
  });
});

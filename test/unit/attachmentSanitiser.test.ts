import sharp from 'sharp';
import exifr from 'exifr';
import { PDFDocument, PDFName } from 'pdf-lib';
import { sanitiseAttachment } from '../../src/security/attachmentSanitiser';
import { checkUploadLimits, displayName, IMAGE_MAX_SIDE } from '../../src/domain/attachments';
import { GPS_FIXTURE, htmlNamedJpg, jpegWithGps, pdfWithMetadata, PDF_SECRET_AUTHOR, png, webp } from '../helpers/attachmentFiles';

describe('attachment sanitiser', () => {
  it('re-encodes a photo without its GPS position or any other metadata, turned upright', async () => {
    const original = await jpegWithGps(64, 32);
    // The fixture really carries a position and an orientation.
    const gps = await exifr.gps(original);
    expect(gps?.latitude).toBeCloseTo(GPS_FIXTURE.latitude, 2);
    expect(gps?.longitude).toBeCloseTo(GPS_FIXTURE.longitude, 2);
    expect(await exifr.orientation(original)).toBe(6);

    const result = await sanitiseAttachment(original);
    if (!result.ok) throw new Error(result.problem);
    expect(result.mediaType).toBe('image/jpeg');
    expect(await exifr.gps(result.bytes)).toBeUndefined();
    expect(await exifr.parse(result.bytes)).toBeUndefined();
    const meta = await sharp(result.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    // Orientation 6 applied: the 64×32 picture is stored 32×64, and says nothing about turning.
    expect([meta.width, meta.height]).toEqual([32, 64]);
    expect(meta.orientation).toBeUndefined();
    expect(result.bytes.includes(Buffer.from('LenteraPhone'))).toBe(false);
  });

  it('keeps PNG and WebP as they are, re-encoded', async () => {
    for (const [bytes, type] of [
      [await png(), 'image/png'],
      [await webp(), 'image/webp'],
    ] as const) {
      const result = await sanitiseAttachment(bytes);
      expect(result).toMatchObject({ ok: true, mediaType: type });
    }
  });

  it('shrinks a very large image to the longest side allowed', async () => {
    const big = await sharp({ create: { width: IMAGE_MAX_SIDE * 2, height: 100, channels: 3, background: '#888' } })
      .png()
      .toBuffer();
    const result = await sanitiseAttachment(big);
    if (!result.ok) throw new Error(result.problem);
    expect((await sharp(result.bytes).metadata()).width).toBe(IMAGE_MAX_SIDE);
  });

  it('removes the Info dictionary and the XMP metadata of a PDF', async () => {
    const original = await pdfWithMetadata();
    expect(original.includes(Buffer.from(PDF_SECRET_AUTHOR))).toBe(true);
    const result = await sanitiseAttachment(original);
    if (!result.ok) throw new Error(result.problem);
    expect(result.mediaType).toBe('application/pdf');
    const text = result.bytes.toString('latin1');
    expect(text).not.toContain(PDF_SECRET_AUTHOR);
    expect(text).not.toContain('/Metadata');
    expect(text).not.toContain('/Info');
    const reread = await PDFDocument.load(result.bytes, { updateMetadata: false });
    expect(reread.getPageCount()).toBe(1);
    expect(reread.getAuthor()).toBeUndefined();
    expect(reread.catalog.get(PDFName.of('Metadata'))).toBeUndefined();
  });

  it('refuses an encrypted PDF, a broken PDF, and an HTML file whatever it is called', async () => {
    expect(await sanitiseAttachment(await pdfWithMetadata({ encrypted: true }))).toEqual({ ok: false, problem: 'pdf_encrypted' });
    expect(await sanitiseAttachment(Buffer.from('%PDF-1.7\n%garbage that is not a PDF'))).toEqual({ ok: false, problem: 'unreadable' });
    expect(await sanitiseAttachment(htmlNamedJpg)).toEqual({ ok: false, problem: 'type' });
    // A JPEG's first bytes followed by nothing decodable.
    expect(await sanitiseAttachment(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1]))).toEqual({
      ok: false,
      problem: 'unreadable',
    });
    // An SVG or a GIF is an image, but not one of ours.
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .gif()
      .toBuffer();
    expect(await sanitiseAttachment(gif)).toEqual({ ok: false, problem: 'type' });
    expect(await sanitiseAttachment(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toEqual({ ok: false, problem: 'type' });
  });
});

describe('attachment rules', () => {
  it('names a file by its detected type, without paths or control characters', () => {
    expect(displayName('C:\\Users\\rina\\foto luka.html', 'image/jpeg', 1)).toBe('foto luka.jpg');
    expect(displayName('../../etc/passwd', 'application/pdf', 2)).toBe('passwd.pdf');
    expect(displayName('a\u0000b\u202Egnp.exe', 'image/png', 1)).toBe('abgnp.png');
    expect(displayName('', 'image/webp', 3)).toBe('lampiran-3.webp');
    expect(displayName('"x";.jpg', 'image/jpeg', 1)).toBe('x.jpg');
    expect([...displayName('é'.repeat(300) + '.jpg', 'image/jpeg', 1)].length).toBeLessThanOrEqual(100);
  });

  it('checks the count before the sizes', () => {
    const file = (n: number) => ({ originalName: 'a', bytes: Buffer.alloc(n) });
    const limits = { maxFiles: 2, maxBytes: 10 };
    expect(checkUploadLimits([file(1), file(10)], limits)).toBeNull();
    expect(checkUploadLimits([file(1), file(11)], limits)).toBe('too_large');
    expect(checkUploadLimits([file(1), file(1), file(1)], limits)).toBe('too_many');
  });
});

import sharp from 'sharp';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';

/** Where the test photo claims to have been taken: Padang (0°57′S, 100°21′E). */
export const GPS_FIXTURE = { latitude: -0.95, longitude: 100.35 };

/** A JPEG as a phone writes it: GPS position, camera, a comment, and rotated by its EXIF orientation (6: turn 90° clockwise). */
export async function jpegWithGps(width = 64, height = 32): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'LenteraPhone', Model: 'Rahasia-9', ImageDescription: 'Rumah Ibu Rina' },
      IFD3: {
        GPSLatitudeRef: 'S',
        GPSLatitude: '0/1 57/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '100/1 21/1 0/1',
      },
    })
    .toBuffer();
}

export async function png(width = 20, height = 20): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 120, b: 200, alpha: 1 } } })
    .png()
    .toBuffer();
}

export async function webp(width = 20, height = 20): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 10, g: 200, b: 20 } } })
    .webp()
    .toBuffer();
}

/** The author's name every metadata test looks for in the output. */
export const PDF_SECRET_AUTHOR = 'Ibu Rina Pelapor';

const xmp = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>${PDF_SECRET_AUTHOR}</dc:creator></rdf:Description>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** A one-page PDF whose Info dictionary and XMP stream name its author. `encrypted`: with an /Encrypt dictionary. */
export async function pdfWithMetadata(options: { encrypted?: boolean } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setAuthor(PDF_SECRET_AUTHOR);
  doc.setTitle('Surat rujukan sekolah');
  doc.setCreator('Kantor Kecamatan');
  const page = doc.addPage([200, 200]);
  page.drawText('Surat', { x: 20, y: 100, size: 18 });
  const metadata = doc.context.stream(xmp, { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(metadata));
  if (options.encrypted) {
    const encrypt = doc.context.obj({
      Filter: 'Standard',
      V: 1,
      R: 2,
      O: PDFString.of('0123456789abcdef0123456789abcdef'),
      U: PDFString.of('0123456789abcdef0123456789abcdef'),
      P: -4,
    });
    doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

export const htmlNamedJpg = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');

/** A file as a browser sends it in a multipart form: the name and type the device gave, and the bytes. */
export interface FormFile {
  name: string;
  bytes: Buffer;
  type?: string;
}

interface MultipartRequest {
  field(name: string, value: string): this;
  attach(field: string, file: Buffer, options: { filename: string; contentType: string }): this;
}

/** Fills a supertest request as a browser sends a multipart form: the fields (lists repeated), then the files in `attachments`. */
export function multipartForm<T extends MultipartRequest>(req: T, fields: Record<string, string | string[]>, files: FormFile[] = []): T {
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) req.field(name, v);
  }
  for (const f of files) req.attach('attachments', f.bytes, { filename: f.name, contentType: f.type ?? 'application/octet-stream' });
  return req;
}

import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, PDFStream, type PDFObject } from 'pdf-lib';
import {
  IMAGE_MAX_INPUT_PIXELS,
  IMAGE_MAX_SIDE,
  isAttachmentMediaType,
  type AttachmentMediaType,
  type AttachmentProblem,
} from '../domain/attachments';

/**
 * What makes an uploaded file safe to keep and to hand to staff: its type recognised from its
 * bytes (file-type), never from its name or the type the browser declared; images decoded and
 * encoded again (sharp), so that nothing but the pixels survives — no EXIF (GPS position, camera,
 * time), XMP, IPTC, ICC profile or comments — turned upright first by their EXIF orientation and
 * shrunk to IMAGE_MAX_SIDE; PDFs parsed (pdf-lib) and saved again without their document
 * information (author, creator, dates) or XMP metadata, and without objects nothing refers to
 * (an earlier revision's metadata). A PDF with a password cannot be cleaned and is refused.
 */
export type SanitisedFile = { ok: true; mediaType: AttachmentMediaType; bytes: Buffer } | { ok: false; problem: AttachmentProblem };

const imageOptions = { failOn: 'error', limitInputPixels: IMAGE_MAX_INPUT_PIXELS } as const;

async function reencodeImage(bytes: Buffer, type: Exclude<AttachmentMediaType, 'application/pdf'>): Promise<Buffer> {
  // By default sharp writes no metadata at all; `rotate()` applies the EXIF orientation before it goes.
  const image = sharp(bytes, imageOptions)
    .rotate()
    .resize({ width: IMAGE_MAX_SIDE, height: IMAGE_MAX_SIDE, fit: 'inside', withoutEnlargement: true });
  switch (type) {
    case 'image/jpeg':
      return image.jpeg({ quality: 85, mozjpeg: true }).toBuffer();
    case 'image/png':
      return image.png({ compressionLevel: 9 }).toBuffer();
    case 'image/webp':
      return image.webp({ quality: 85 }).toBuffer();
  }
}

const METADATA = PDFName.of('Metadata');

/** Drops every /Metadata entry reachable from the catalog and every object not reachable from it. */
function scrubPdf(doc: PDFDocument): void {
  const { context } = doc;
  context.trailerInfo.Info = undefined;
  const reachable = new Set<string>();
  const pending: PDFObject[] = [doc.catalog];
  const rootRef = context.trailerInfo.Root;
  if (rootRef instanceof PDFRef) reachable.add(rootRef.tag);
  while (pending.length > 0) {
    const object = pending.pop()!;
    if (object instanceof PDFRef) {
      if (reachable.has(object.tag)) continue;
      reachable.add(object.tag);
      const target = context.lookup(object);
      if (target) pending.push(target);
    } else if (object instanceof PDFStream) {
      pending.push(object.dict);
    } else if (object instanceof PDFDict) {
      object.delete(METADATA);
      for (const [, value] of object.entries()) pending.push(value);
    } else if (object instanceof PDFArray) {
      for (let i = 0; i < object.size(); i += 1) pending.push(object.get(i));
    }
  }
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (!reachable.has(ref.tag)) context.delete(ref);
  }
}

async function cleanPdf(bytes: Buffer): Promise<SanitisedFile> {
  let doc: PDFDocument;
  try {
    // updateMetadata: false, or pdf-lib would write a new Info dictionary (Producer, dates) of its own.
    doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: true });
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
  if (doc.isEncrypted) return { ok: false, problem: 'pdf_encrypted' };
  try {
    scrubPdf(doc);
    const saved = await doc.save({ useObjectStreams: false, updateFieldAppearances: false });
    return { ok: true, mediaType: 'application/pdf', bytes: Buffer.from(saved) };
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
}

/** Recognises, cleans and re-encodes one file; refuses anything else with the reason. */
export async function sanitiseAttachment(bytes: Buffer): Promise<SanitisedFile> {
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !isAttachmentMediaType(detected.mime)) return { ok: false, problem: 'type' };
  const mediaType = detected.mime;
  if (mediaType === 'application/pdf') return cleanPdf(bytes);
  try {
    return { ok: true, mediaType, bytes: await reencodeImage(bytes, mediaType) };
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
}

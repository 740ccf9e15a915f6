/**
 * Attachments: the rules, no I/O. Which files are accepted (recognised by their bytes, never by
 * their name or the type the browser declared), how many and how large (configuration:
 * ATTACHMENTS_MAX_FILES, ATTACHMENT_MAX_MB), and the name shown to staff.
 */

/** The only media types stored: photos and scans a person can take with a phone, and PDF letters. */
export const attachmentMediaTypes = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type AttachmentMediaType = (typeof attachmentMediaTypes)[number];

export function isAttachmentMediaType(value: string): value is AttachmentMediaType {
  return (attachmentMediaTypes as readonly string[]).includes(value);
}

export function isImage(type: AttachmentMediaType): boolean {
  return type !== 'application/pdf';
}

/** The extension a stored file is named with: that of its detected type, whatever the name said. */
export const attachmentExtensions: Record<AttachmentMediaType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/** The file input's accept attribute: a hint to the browser only; the server decides by the bytes. */
export const attachmentAccept = '.jpg,.jpeg,.png,.webp,.pdf,image/jpeg,image/png,image/webp,application/pdf';

/** The form field (and API property) that carries the files. */
export const ATTACHMENTS_FIELD = 'attachments';

export interface AttachmentLimits {
  /** Files per form or API call. */
  maxFiles: number;
  /** Bytes per file, as uploaded. */
  maxBytes: number;
}

/** Defaults of the configuration (config.ts). */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxFiles: 3, maxBytes: 5 * 1024 * 1024 };

/** The length of a file's standard base64 (with padding), as the referral API takes it. */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** Standard base64 with padding, nothing else (no line breaks, no data: prefix). */
export const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes of JSON a referral API call may send: the text, and the files in base64. */
export function apiBodyLimit(textKb: number, limits: AttachmentLimits): number {
  return textKb * 1024 + limits.maxFiles * (base64Length(limits.maxBytes) + 1024);
}

/** The longest side of a stored image, in pixels: enough to read a letter or see an injury, far smaller than a phone's original. */
export const IMAGE_MAX_SIDE = 2560;
/** Images larger than this (width × height) are refused before decoding (a "decompression bomb"). */
export const IMAGE_MAX_INPUT_PIXELS = 50_000_000;
/** The longest display name kept. */
export const ATTACHMENT_NAME_MAX = 100;

/**
 * Why a file was refused. `too_many` and `too_large` come from reading the form, the others from
 * looking at the bytes: `type` (not JPEG, PNG, WebP or PDF), `unreadable` (claims to be one but
 * cannot be decoded), `pdf_encrypted` (a password-protected PDF, which cannot be cleaned).
 */
export const attachmentProblems = ['too_many', 'too_large', 'type', 'unreadable', 'pdf_encrypted'] as const;
export type AttachmentProblem = (typeof attachmentProblems)[number];

/** Who added a file: the resident (with the report or a message), a department, or staff at intake. */
export const attachmentSources = ['reporter', 'department', 'staff'] as const;
export type AttachmentSource = (typeof attachmentSources)[number];

/** A file as a form or API call delivered it, before anything is known of it. */
export interface UploadedFile {
  /** The name the sender's device gave it (may identify people; never trusted for the type). */
  originalName: string;
  bytes: Buffer;
}

/** What reading a form's files found: the files, and a refusal already known (too many, too large). */
export interface UploadedFiles {
  files: UploadedFile[];
  problem: 'too_many' | 'too_large' | null;
}

export const noUploads: UploadedFiles = { files: [], problem: null };

/** A file cleaned and ready to store. */
export interface PreparedAttachment {
  name: string;
  mediaType: AttachmentMediaType;
  bytes: Buffer;
}

/** An attachment as staff see it in a list (no content). */
export interface AttachmentSummary {
  id: number;
  name: string;
  mediaType: AttachmentMediaType;
  sizeBytes: number;
  source: AttachmentSource;
  /** Staff who added it at intake (their name), else null. */
  addedBy: string | null;
  /** The reporter's message it came with, if any. */
  messageId: number | null;
  at: Date;
}

/** One attachment with its content, to serve. */
export interface AttachmentFile extends AttachmentSummary {
  bytes: Buffer;
}

/** Checks the count and sizes of what arrived, before any byte is looked at. */
export function checkUploadLimits(files: readonly UploadedFile[], limits: AttachmentLimits): 'too_many' | 'too_large' | null {
  if (files.length > limits.maxFiles) return 'too_many';
  if (files.some((f) => f.bytes.length > limits.maxBytes)) return 'too_large';
  return null;
}

/**
 * The name staff see: the last path segment of what the device sent, without control or
 * formatting characters and characters that mean something in a header or a path, shortened, and
 * always ending in the extension of the detected type (a `photo.html` that is really a JPEG is
 * shown as `photo.jpg`). A name with nothing left becomes `lampiran-<n>`.
 */
export function displayName(originalName: string, type: AttachmentMediaType, position: number): string {
  const lastSegment = originalName.split(/[\\/]/).pop() ?? '';
  const cleaned = lastSegment
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"<>:|?*;%]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  const stem = cleaned
    .replace(/\.[^.]*$/, '')
    .replace(/^\.+/, '')
    .trim();
  const extension = attachmentExtensions[type];
  const short = [...stem].slice(0, ATTACHMENT_NAME_MAX - extension.length - 1).join('');
  return `${short === '' ? `lampiran-${position}` : short}.${extension}`;
}

/** For display: "1.2 MB", "340 KB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

import crypto from 'node:crypto';

export interface FieldCipher {
  /** AES-256-GCM; `context` (table.column:row) is bound as associated data so a value cannot be moved to another row. */
  encrypt(plaintext: string, context: string): string;
  decrypt(stored: string, context: string): string;
  /** The same for bytes (attachments): stored as a BLOB, version byte, IV, tag, ciphertext. */
  encryptBytes(plaintext: Buffer, context: string): Buffer;
  decryptBytes(stored: Buffer, context: string): Buffer;
}

export interface KeyedHasher {
  /** HMAC-SHA-256 under a key that never enters the database. */
  hash(value: string): Buffer;
}

const VERSION = 'v1';
const BYTES_VERSION = 1;

/** Separate keys for separate purposes, all derived from the one DATA_KEY. */
export function deriveKey(dataKey: Buffer, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', dataKey, Buffer.alloc(0), `lentera:${purpose}`, 32));
}

/**
 * A value stored in the database that tells whether a data key is the one the data was written
 * with (an HMAC of a fixed text under a key derived for this purpose alone): it reveals nothing
 * that would help find the key.
 */
export function keyCheckValue(dataKey: Buffer): string {
  return crypto.createHmac('sha256', deriveKey(dataKey, 'key-check')).update('Lentera data key check').digest('hex');
}

export function createFieldCipher(dataKey: Buffer): FieldCipher {
  const key = deriveKey(dataKey, 'field-encryption');
  return {
    encrypt(plaintext, context) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    decrypt(stored, context) {
      const [version, payload] = stored.split(':');
      if (version !== VERSION || !payload) throw new Error('Unknown encrypted field format');
      const raw = Buffer.from(payload, 'base64');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    encryptBytes(plaintext, context) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([Buffer.of(BYTES_VERSION), iv, cipher.getAuthTag(), body]);
    },
    decryptBytes(stored, context) {
      if (stored.length < 29 || stored[0] !== BYTES_VERSION) throw new Error('Unknown encrypted bytes format');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, stored.subarray(1, 13));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(stored.subarray(13, 29));
      return Buffer.concat([decipher.update(stored.subarray(29)), decipher.final()]);
    },
  };
}

export function createKeyedHasher(dataKey: Buffer, purpose: string): KeyedHasher {
  const key = deriveKey(dataKey, purpose);
  return { hash: (value) => crypto.createHmac('sha256', key).update(value, 'utf8').digest() };
}

/**
 * The bench seeder's encryption and audit chain (bench/seedGenerator.ts, in the generator's worker
 * thread): the app's own field cipher, receipt hasher and audit chain hash under the installation's
 * data key, one batch after the other: the chain runs on from one batch to the next.
 */
import { createFieldCipher, createKeyedHasher, deriveKey } from '../src/data/fieldCipher';
import { auditChainHash } from '../src/data/auditRepository';

/** An audit event as the chain hashes it: id, at, actor, action, subject type, subject id, detail. */
export type AuditFields = [number, string, number | null, string, string | null, string | null, string | null];

export interface CipherRequest {
  plain: string[];
  context: string[];
  receipts: string[];
}

export interface CipherAnswer {
  cipher: string[];
  /** The receipts' hashes, 32 bytes each, one after the other. */
  hashes: Uint8Array<ArrayBuffer>;
}

/** Encrypts a batch with the app's field cipher and hashes its receipts as reportService does. */
export function createBatchEncryptor(dataKey: Buffer): (request: CipherRequest) => CipherAnswer {
  const cipher = createFieldCipher(dataKey);
  const hasher = createKeyedHasher(dataKey, 'receipt');
  return (request) => {
    // Its own memory (never Node's shared pool), so that the worker can hand it over without a copy.
    const hashes = new Uint8Array(request.receipts.length * 32);
    request.receipts.forEach((r, i) => hashes.set(hasher.hash(r), i * 32));
    return { cipher: request.plain.map((p, i) => cipher.encrypt(p, request.context[i]!)), hashes };
  };
}

/** The audit chain, run on from `prevHash`: each call returns the next event's hash (its predecessor is the one before). */
export function createAuditChain(dataKey: Buffer, prevHash: string): { next(fields: AuditFields): string; readonly last: string } {
  const key = deriveKey(dataKey, 'audit-chain');
  let last = prevHash;
  return {
    next([id, at, actorAccountId, action, subjectType, subjectId, detail]) {
      last = auditChainHash(key, last, { id, at, actorAccountId, action, subjectType, subjectId, detail });
      return last;
    },
    get last() {
      return last;
    },
  };
}

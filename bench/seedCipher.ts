/**
 * The bench seeder's encryption and audit chain, in a worker thread (bench/seed.ts): the app's own
 * field cipher, receipt hasher and audit chain hash under the installation's data key, so that the
 * main thread writes SQLite while this one prepares the next batch. One message in, one out, in
 * order: the chain runs on from one batch to the next.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFieldCipher, createKeyedHasher, deriveKey } from '../src/data/fieldCipher';
import { auditChainHash } from '../src/data/auditRepository';

/** An audit event as the chain hashes it: id, at, actor, action, subject type, subject id, detail. */
export type AuditFields = [number, string, number | null, string, string | null, string | null, string | null];

export interface CipherRequest {
  plain: string[];
  context: string[];
  receipts: string[];
  audit: AuditFields[];
}

export interface CipherAnswer {
  cipher: string[];
  /** The receipts' hashes, 32 bytes each, one after the other. */
  hashes: Uint8Array<ArrayBuffer>;
  /** Each audit event's hash; the first one's predecessor is the last hash of the batch before. */
  auditHashes: string[];
}

/**
 * Encrypts a batch with the app's field cipher, hashes its receipts as reportService does, and
 * chains its audit events on from `prevHash` (called in the worker, or directly).
 */
export function createBatchEncryptor(dataKey: Buffer, prevHash: string): (request: CipherRequest) => CipherAnswer {
  const cipher = createFieldCipher(dataKey);
  const hasher = createKeyedHasher(dataKey, 'receipt');
  const auditKey = deriveKey(dataKey, 'audit-chain');
  let last = prevHash;
  return (request) => {
    // Its own memory (never Node's shared pool), so that it can be handed over without a copy.
    const hashes = new Uint8Array(request.receipts.length * 32);
    request.receipts.forEach((r, i) => hashes.set(hasher.hash(r), i * 32));
    const auditHashes = request.audit.map(([id, at, actorAccountId, action, subjectType, subjectId, detail]) => {
      last = auditChainHash(auditKey, last, { id, at, actorAccountId, action, subjectType, subjectId, detail });
      return last;
    });
    return { cipher: request.plain.map((p, i) => cipher.encrypt(p, request.context[i]!)), hashes, auditHashes };
  };
}

if (parentPort && (workerData as { role?: string } | undefined)?.role === 'seed-cipher') {
  const port = parentPort;
  const data = workerData as { dataKey: string; prevHash: string };
  const encrypt = createBatchEncryptor(Buffer.from(data.dataKey, 'hex'), data.prevHash);
  port.on('message', (request: CipherRequest) => {
    const answer = encrypt(request);
    port.postMessage(answer, [answer.hashes.buffer]);
  });
}

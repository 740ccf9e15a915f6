import type { Db } from '../../src/data/db';
import { createAuditRepository, type AuditRepository } from '../../src/data/auditRepository';
import { TEST_DATA_KEY } from './testApp';

/**
 * The audit log's repository over a test app's database, for tests that write events directly or
 * check the hash chain (the services object holds services only, not repositories).
 */
export function auditTrail(lentera: { db: Db }, dataKeyHex: string = TEST_DATA_KEY): AuditRepository {
  return createAuditRepository(lentera.db, Buffer.from(dataKeyHex, 'hex'));
}

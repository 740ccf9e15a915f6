import { createAuditRepository } from '../data/auditRepository';
import { createAuditQueryRepository } from '../data/auditQueryRepository';
import { openData } from '../lentera';
import { readEnvironment } from '../env';
import { COULD_NOT_RUN, openForCommand, runFromShell } from './command';

const problems = {
  hash: 'its hash does not match its contents: the row was changed, or written without the key',
  link: 'its previous hash is not the hash of the event before it: an event before it was changed or replaced',
  gap: 'the event before it is missing (ids run 1, 2, 3… without gaps): an event was deleted',
} as const;

/** Exit codes: 0 intact, 1 broken, 2 could not check (the reason is printed as it is). */
export function runAuditVerify(env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): number {
  // The data, key checked, without services: this command reads the audit log and nothing else.
  const lentera = openForCommand(() => openData(env, { create: false, log: err }), err);
  if (!lentera) return COULD_NOT_RUN;
  const { db, dataKey } = lentera;
  try {
    const audit = createAuditRepository(db, dataKey);
    const queries = createAuditQueryRepository(db);
    const broken = audit.verify();
    if (broken) {
      out(`Audit log BROKEN at event ${broken.id}: ${problems[broken.problem]}.`);
      if (broken.id === 1 && broken.problem === 'hash')
        out('If every event fails, check that DATA_KEY is the key this database was written with.');
      return 1;
    }
    const { count, lastHash } = queries.summary();
    out(`Audit log intact: ${count} events`);
    // The chain cannot show that events were cut off the end; a hash kept elsewhere can.
    if (lastHash) out(`Last hash: ${lastHash} (keep it apart from the server; a later check should still find it)`);
    return 0;
  } finally {
    lentera.close();
  }
}

/** npm run audit:verify — checks the hash chain of the audit log in DATABASE_PATH. */
if (require.main === module) {
  runFromShell(() => runAuditVerify(readEnvironment(), console.log, console.error));
}

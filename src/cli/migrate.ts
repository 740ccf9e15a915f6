import { loadConfig } from '../config';
import { openDatabase } from '../data/db';
import { migrate } from '../data/migrate';
import { migrationsDir } from '../paths';
import { readEnvironment } from '../env';

/** npm run db:migrate — applies pending migrations to DATABASE_PATH. */
try {
  const config = loadConfig(readEnvironment());
  const db = openDatabase(config.databasePath);
  try {
    const ran = migrate(db, migrationsDir);
    console.log(ran.length ? `Applied: ${ran.join(', ')}` : 'The database is up to date.');
  } finally {
    db.close();
  }
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

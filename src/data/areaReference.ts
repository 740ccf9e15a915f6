import fs from 'node:fs';
import { parseAreasCsv, type AreaDirectory } from '../domain/areas';

/** The city's kecamatan and kelurahan, from the CSV named by AREAS_CSV. */
export function loadAreaDirectory(file: string): AreaDirectory {
  return parseAreasCsv(fs.readFileSync(file, 'utf8'));
}

import { Algorithm, hash, verify } from '@node-rs/argon2';
import { isPasswordLengthAllowed } from '../domain/accounts';

/** Argon2id at the OWASP baseline (19 MiB, 2 passes, 1 lane): slow for a guesser, quick enough for a person. */
const argon2Options = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Callers validate first (with a message for the person); this is the last guard. */
export function hashPassword(password: string): Promise<string> {
  if (!isPasswordLengthAllowed(password)) return Promise.reject(new Error('Password length outside 8–128 characters'));
  return hash(password, argon2Options);
}

let decoy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. With no hash (an unknown email, an invitation not yet
 * accepted) it checks against a decoy so that the answer takes as long either way.
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    decoy ??= hash('decoy password, never matches anything', argon2Options);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

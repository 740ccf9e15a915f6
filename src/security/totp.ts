import { generate, generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 defaults that every authenticator app understands: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;

/** One step either side of now is accepted, for phones whose clocks drift a little. */
const TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS;

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'code' | 'code_reused' };

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, label: string, issuer: string): string {
  return generateURI({ issuer, label, secret, period: TOTP_PERIOD_SECONDS });
}

export function totpStepAt(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code an authenticator shows at `at` (used by the tests and the CLI's self-check). */
export function totpCodeAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000), period: TOTP_PERIOD_SECONDS });
}

/**
 * Checks a code at `at`. A code whose step is not after `lastStep` is refused: each code works once.
 * otplib's verify is asynchronous and answers with an object, not a boolean.
 */
export async function checkTotp(secret: string, code: string, at: Date, lastStep: number | null): Promise<TotpCheck> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return { ok: false, reason: 'code' };
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(at.getTime() / 1000),
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOLERANCE_SECONDS,
  });
  // The functional API's result type covers HOTP too; a TOTP match carries its time step.
  if (!result.valid || !('timeStep' in result)) return { ok: false, reason: 'code' };
  if (lastStep !== null && result.timeStep <= lastStep) return { ok: false, reason: 'code_reused' };
  return { ok: true, step: result.timeStep };
}

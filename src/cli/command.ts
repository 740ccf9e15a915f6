/** Exit code of a command that could not run (no database, a wrong key, a failure it did not expect). */
export const COULD_NOT_RUN = 2;

/** What a command prints when something failed: the error's own words, never a guess in their place. */
export function describeFailure(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Opens Lentera for a command with `open` — a stage of src/lentera.ts — or, when it cannot, prints
 * the real reason (a missing database, a wrong data key, a database that cannot be read…) and
 * returns null; the command then exits COULD_NOT_RUN.
 */
export function openForCommand<T>(open: () => T, err: (line: string) => void): T | null {
  try {
    return open();
  } catch (e) {
    err(describeFailure(e));
    return null;
  }
}

/**
 * Runs a command from the shell: its exit code becomes the process's; an error it did not expect is
 * printed as it is and exits COULD_NOT_RUN, so that no failure reads like a command's own answer.
 */
export function runFromShell(main: () => number | Promise<number>): void {
  void Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        console.error(describeFailure(e));
        process.exitCode = COULD_NOT_RUN;
      },
    );
}

/** The process environment, with `.env` from the working directory applied first when there is one. */
export function readEnvironment(): NodeJS.ProcessEnv {
  try {
    process.loadEnvFile('.env');
  } catch {
    // No .env file: every setting has a default.
  }
  return process.env;
}

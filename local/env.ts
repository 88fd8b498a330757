/**
 * The `BROKER_*` settings both local entry points read (`npm start` and the AWS endpoint on its own),
 * read the same way by each.
 */

/** Default port of the local AWS endpoint (`BROKER_AWS_PORT`). */
export const DEFAULT_AWS_PORT = 4566;
/** Default data directory (`BROKER_DATA_DIR`). */
export const DEFAULT_DATA_DIR = '.broker-data/';

/** The migration flag parameter of the local broker (the stack derives its own from the stack name). */
export const LOCAL_MIGRATION_FLAG_PARAMETER = '/thv-broker/local/migration-done';

type Env = Readonly<Record<string, string | undefined>>;

/** The port variable `name` sets (unset or empty: `fallback`); throws unless it is 0–65535. */
export function portFromEnv(name: string, fallback: number, env: Env = process.env): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`${name} must be a port number (0–65535), got ${JSON.stringify(text)}`);
  return port;
}

/** The data directory `BROKER_DATA_DIR` names (unset or empty: {@link DEFAULT_DATA_DIR}). */
export function dataDirFromEnv(env: Env = process.env): string {
  return env.BROKER_DATA_DIR || DEFAULT_DATA_DIR;
}

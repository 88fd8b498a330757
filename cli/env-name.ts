/** Which names a process environment (and a dotenv file) can carry portably. */

/** POSIX: letters, digits and `_`, not starting with a digit. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `name` can be an environment variable name in every shell and dotenv reader. */
export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

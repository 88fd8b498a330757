/**
 * How the local API treats SigV4 (read from the `BROKER_*` environment): the one credential pair it
 * verifies signatures with, and whether unsigned requests are still served (the default, so the
 * CLI and plain curl keep working on loopback) or refused as a deployed `AWS_IAM` API refuses them.
 */
import { LOCAL_ACCOUNT } from '../aws/arn.js';
import type { LocalCredential } from './sigv4-verifier.js';

/** Variable naming the access key id the local API accepts signatures from. */
const ACCESS_KEY_ENV = 'BROKER_LOCAL_ACCESS_KEY_ID';
/** Variable naming its secret access key. */
const SECRET_KEY_ENV = 'BROKER_LOCAL_SECRET_ACCESS_KEY';
/** Variable that, set to `1`, makes the local API refuse unsigned requests. */
const REQUIRE_SIGV4_ENV = 'BROKER_REQUIRE_SIGV4';

/**
 * The default pair: AWS's own documentation example, known to everyone and valid nowhere, so
 * printing it and writing it in the docs gives nothing away.
 */
export const DEFAULT_LOCAL_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
/** Secret of {@link DEFAULT_LOCAL_ACCESS_KEY_ID} (AWS's documentation example). */
export const DEFAULT_LOCAL_SECRET_ACCESS_KEY = 'wJalrXUtnFMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** The identity a request signed with the local pair gets (unsigned ones stay `local-developer`). */
const LOCAL_SIGNED_CALLER_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:user/local-service`;

/** The local API's SigV4 policy. */
export interface SigV4Settings {
  /** The credential signatures are verified with. */
  readonly credential: LocalCredential;
  /** True: unsigned requests are refused with 403 `Missing Authentication Token`. */
  readonly requireSigned: boolean;
  /** True when the secret is the well-known default (it may be printed; any other never is). */
  readonly defaultSecret: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the SigV4 settings; throws with the fix on a value it cannot use. */
export function sigV4SettingsFromEnv(env: Env): SigV4Settings {
  const accessKeyId = env[ACCESS_KEY_ENV] || DEFAULT_LOCAL_ACCESS_KEY_ID;
  const secretAccessKey = env[SECRET_KEY_ENV] || DEFAULT_LOCAL_SECRET_ACCESS_KEY;
  if (!/^[A-Za-z0-9]{1,128}$/.test(accessKeyId))
    throw new Error(`${ACCESS_KEY_ENV} must be 1–128 letters and digits (an access key id)`);
  const require = env[REQUIRE_SIGV4_ENV] ?? '';
  if (!['', '0', '1'].includes(require))
    throw new Error(
      `${REQUIRE_SIGV4_ENV} must be 1 (refuse unsigned requests) or 0, got ${JSON.stringify(require)}`,
    );
  return {
    credential: { accessKeyId, secretAccessKey, callerArn: LOCAL_SIGNED_CALLER_ARN },
    requireSigned: require === '1',
    defaultSecret: secretAccessKey === DEFAULT_LOCAL_SECRET_ACCESS_KEY,
  };
}

/** The startup line that says how to sign for the local API; a secret of the user's own is never shown. */
export function sigV4Banner(settings: SigV4Settings, region: string): string {
  const secret = settings.defaultSecret
    ? `secret key ${settings.credential.secretAccessKey}`
    : `the secret key in ${SECRET_KEY_ENV}`;
  const unsigned = settings.requireSigned
    ? `unsigned requests are refused (${REQUIRE_SIGV4_ENV}=1)`
    : `unsigned requests are served too (${REQUIRE_SIGV4_ENV}=1 refuses them)`;
  return (
    `SigV4 (service execute-api, region ${region}): signatures are verified with access key ` +
    `${settings.credential.accessKeyId} and ${secret}; ${unsigned}`
  );
}

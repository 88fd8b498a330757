/**
 * moto's server as a second reference for the contract suites: the cases where it differs from the
 * AWS API reference (the reference decides, so such a case is skipped on moto only), and the switch
 * that runs a suite against moto where `moto_server` is installed or says why it did not.
 */
import { describe, it } from 'vitest';
import { motoEndpoint, motoUnavailable, type TestEndpoint } from './endpoints.js';

/**
 * Cases where moto 5.2 does not do what the AWS API reference says. Each entry names the difference;
 * the embedded endpoint follows the reference.
 */
export const MOTO_DIVERGENCES = {
  /** Reference: names are 1–512 of `A-Za-z0-9/_+=.@-`, else InvalidParameterException. moto accepts any name. */
  nameCharset: 'moto accepts secret names with characters outside A-Za-z0-9/_+=.@-',
  /** Reference: SecretString max length 65,536 (ValidationException). moto stores any size. */
  valueSize: 'moto accepts a SecretString larger than 65,536 bytes',
  /** Reference: SecretString and SecretBinary together are InvalidParameterException. moto stores both. */
  stringAndBinary: 'moto accepts SecretString and SecretBinary in the same call',
  /** Reference: a secret scheduled for deletion cannot take new values (InvalidRequestException). moto writes them. */
  putOnScheduled: 'moto lets PutSecretValue write to a secret that is scheduled for deletion',
  /** Reference: CreateSecret on a name scheduled for deletion is InvalidRequestException; moto says ResourceExistsException. */
  recreateScheduled: 'moto answers ResourceExistsException instead of InvalidRequestException',
  /** Reference: ListSecrets MaxResults is 1–100 (ValidationException). moto accepts any number. */
  maxResultsRange: 'moto accepts MaxResults above 100',
  /** Reference: a NextToken the service did not issue is InvalidNextTokenException. moto fails with a 500. */
  invalidNextToken: 'moto answers a foreign NextToken with an internal error',
  /** Reference: a resource policy with a syntax error is MalformedPolicyDocumentException. moto stores it. */
  malformedPolicy: 'moto accepts a resource policy that is not JSON',
  /**
   * Reference (DescribeSecret): VersionIdsToStages lists the versions that have staging labels;
   * versions without one are deprecated. moto lists them too, with an empty list.
   */
  unlabelledVersions: 'moto lists versions without a staging label in VersionIdsToStages',
  /**
   * Reference (Filter): a value with a leading `!` negates the filter, so `tag-key: !x` keeps every
   * secret with no tag key starting with x, untagged ones included. moto negates tag by tag and
   * never returns a secret without tags for a negated tag filter.
   */
  negatedTagOnUntagged: 'moto never matches an untagged secret with a negated tag-key or tag-value filter',
  /**
   * Reference (SecretListEntry): DeletedDate is "the date and time the deletion of the secret
   * occurred"; the end of the recovery window is DeleteSecret's DeletionDate. moto reports the end
   * of the window as DeletedDate.
   */
  deletedDateIsDeletionTime: 'moto reports the end of the recovery window as DeletedDate',
  /** Reference (BatchGetSecretValue): SecretIdList holds 1–20 ids (ValidationException). moto takes any number. */
  batchIdLimit: 'moto accepts more than 20 ids in one BatchGetSecretValue',
} as const;

/** The name of one known divergence. */

/** The name of one known divergence. */
export type Divergence = keyof typeof MOTO_DIVERGENCES;

/** Every known divergence: what a suite run against moto skips. */
export const ALL_MOTO_DIVERGENCES: ReadonlySet<Divergence> = new Set(
  Object.keys(MOTO_DIVERGENCES) as Divergence[],
);

/** Registers a test case; the contract suites' `it` for cases the AWS reference decides. */
export type ReferenceCase = (divergence: Divergence, name: string, fn: () => Promise<void>) => void;

/** `it` for an endpoint with these `divergences`: a case it is known to get wrong is skipped, naming why. */
export function itFollowingReference(divergences: ReadonlySet<Divergence>): ReferenceCase {
  return (divergence, name, fn) => {
    if (divergences.has(divergence))
      it.skip(`${name} [known divergence: ${MOTO_DIVERGENCES[divergence]}]`, fn);
    else it(name, fn);
  };
}

/**
 * Runs `register` against moto's server with its known divergences where `moto_server` is installed;
 * elsewhere registers `title` (the title the suite would have) with one skipped case that says why.
 */
export function onMoto(
  title: string,
  register: (start: () => Promise<TestEndpoint>, divergences: ReadonlySet<Divergence>) => void,
): void {
  const unavailable = motoUnavailable();
  if (unavailable === undefined) {
    register(() => motoEndpoint(), ALL_MOTO_DIVERGENCES);
    return;
  }
  describe(title, () => {
    console.log(`skipping ${title}: ${unavailable}`);
    it.skip(`needs moto_server: ${unavailable}`, () => {});
  });
}

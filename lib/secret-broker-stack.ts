/**
 * The deployable stack: one {@link SecretBroker}, the grants platform teams configure by ARN (so
 * they need no code), and the outputs a CLI and a platform team need.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Aws, CfnRule, Fn, Stack, type StackProps, Token } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { constructError } from './construct-error.js';
import { type BrokerArnProps, type SecretBrokerProps, validateProps } from './props.js';
import { SecretBroker } from './secret-broker.js';

/** Props of the {@link SecretBrokerStack}: the broker's props, with ARNs where the broker takes constructs. */
export interface SecretBrokerStackProps
  extends StackProps,
    Omit<SecretBrokerProps, 'encryptionKey' | 'migrationRole' | 'migrationOperatorRoles'>,
    BrokerArnProps {}

/** The secret broker stack. */
export class SecretBrokerStack extends Stack {
  /** The broker. */
  readonly broker: SecretBroker;

  constructor(scope: Construct, id: string, props: SecretBrokerStackProps = {}) {
    super(scope, id, props);
    // Every prop at once, the broker's with the stack's ARNs, so one error lists every problem.
    validateProps(this, 'SecretBrokerStack', props);

    this.broker = new SecretBroker(this, 'Broker', {
      ...props,
      ...(props.encryptionKeyArn === undefined
        ? {}
        : { encryptionKey: kms.Key.fromKeyArn(this, 'ImportedKey', props.encryptionKeyArn) }),
      ...(props.migrationRoleArn === undefined
        ? {}
        : {
            migrationRole: iam.Role.fromRoleArn(this, 'MigrationRole', props.migrationRoleArn, {
              mutable: false,
            }),
          }),
    });

    this.refuseOtherAccounts([
      ...(props.userRoleArns ?? []).map((arn) => ['userRoleArns', arn] as const),
      ...Object.entries(props.scopeCallerRoleArns ?? {}).flatMap(([s, arns]) =>
        arns.map((arn) => [`scopeCallerRoleArns.${s}`, arn] as const),
      ),
      ...(props.migrationOperatorRoleArns ?? []).map((arn) => ['migrationOperatorRoleArns', arn] as const),
    ]);
    // Construct ids follow the role name, so reordering the lists does not replace the grants.
    for (const arn of props.userRoleArns ?? []) {
      this.broker.grantUserAccess(iam.Role.fromRoleArn(this, `UserRole-${roleName(arn)}`, arn));
    }
    for (const arn of props.migrationOperatorRoleArns ?? []) {
      this.broker.grantMigrationOperator(
        iam.Role.fromRoleArn(this, `MigrationOperator-${roleName(arn)}`, arn),
      );
    }
    for (const [scopeName, arns] of Object.entries(props.scopeCallerRoleArns ?? {})) {
      for (const arn of arns) {
        this.broker.grantScopeAccess(
          iam.Role.fromRoleArn(this, `ScopeCaller-${scopeName}-${roleName(arn)}`, arn),
          scopeName,
        );
      }
    }

    // The same call a platform team's own stack makes, so both have the same outputs.
    this.broker.addOutputs();
  }

  /**
   * A grant to a role ARN is an identity policy attached by role name in the account the stack
   * deploys to: for `arn:aws:iam::<other>:role/Developers` it would land on a different role that
   * happens to be named `Developers`. So every such ARN must be of the deploy account: checked at
   * synth time when the account is known, and by a template Rule otherwise, which fails the
   * deployment before any resource is created.
   */
  private refuseOtherAccounts(settings: readonly (readonly [string, string])[]): void {
    const byAccount = new Map<string, string[]>();
    for (const [setting, arn] of settings) {
      const account = arn.split(':')[4] ?? '';
      byAccount.set(account, [...(byAccount.get(account) ?? []), `${setting} ${arn}`]);
    }
    const known = !Token.isUnresolved(this.account);
    const foreign = [...byAccount].filter(([account]) => known && account !== this.account);
    if (foreign.length > 0) {
      throw constructError(
        this,
        `invalid SecretBrokerStack props: these roles are not in account ${this.account}, where the stack deploys, and a grant can only reach a role of that account (for callers in other accounts, see "Cross-account callers" in docs/deploy.md):\n- ${foreign.flatMap(([, roles]) => roles).join('\n- ')}`,
      );
    }
    for (const [account, roles] of byAccount) {
      new CfnRule(this, `RolesInAccount${account}`, {
        assertions: [
          {
            assert: Fn.conditionEquals(Aws.ACCOUNT_ID, account),
            assertDescription: `Grants reach roles of account ${account} only (${roles.join('; ')}); deploy into that account, or see "Cross-account callers" in docs/deploy.md.`,
          },
        ],
      });
    }
  }
}

const roleName = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * The template readers of local/iam/template-policies.ts bound to the fixed test account and
 * region, so tests can pin statements and feed them to the IAM simulator.
 */
import {
  identityPolicies as identityPoliciesIn,
  type NamedPolicy,
  type RoleRef,
  resolve as resolveIn,
  type TemplateJson,
} from '../../../local/iam/template-policies.js';
import { ACCOUNT, REGION } from './synth.js';

export type { NamedPolicy, RoleRef, Statement, TemplateJson } from '../../../local/iam/template-policies.js';

const PLACE = { account: ACCOUNT, region: REGION };

/** Resolves Ref, Fn::GetAtt and Fn::Join to fixed fake values of the test account. */
export const resolve = (template: TemplateJson, value: unknown): unknown => resolveIn(template, value, PLACE);

/** Every identity policy attached to `role` in the template, resolved in the test account. */
export const identityPolicies = (template: TemplateJson, role: RoleRef): NamedPolicy[] =>
  identityPoliciesIn(template, role, PLACE);

/**
 * The errors the construct throws at synth: each message starts with the path of the construct it
 * is about, so an app with several brokers (or stacks) shows which one to fix.
 */
import type { IConstruct } from 'constructs';

/** An `Error` whose message is `<construct path>: <message>`. */
export function constructError(construct: IConstruct, message: string): Error {
  return new Error(`${construct.node.path}: ${message}`);
}

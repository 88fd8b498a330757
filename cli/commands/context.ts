/** What every command needs, built from the global options once the command line is parsed. */
import { BrokerClient } from '../api-client.js';
import { chooseEndpoint, parseEndpoint, resolveRegion } from '../endpoint.js';
import type { CliIo } from '../io.js';
import { Output } from '../output.js';
import { sigV4Signer } from '../signer.js';

/** The global options (`thv-broker --endpoint … --region … --json`). */
export interface GlobalOptions {
  /** Broker API URL (`--endpoint`); unset: see `chooseEndpoint`. */
  readonly endpoint?: string;
  /** Region to sign for; see `resolveRegion`. */
  readonly region?: string;
  /** Print results and errors as JSON. */
  readonly json?: true;
  /** Sign with SigV4 on a loopback endpoint too (a local broker that requires signatures). */
  readonly sign?: true;
}

/** A command's collaborators. */
export interface Context {
  /** Client of the broker API. */
  readonly client: BrokerClient;
  /** Where results and notes go. */
  readonly out: Output;
  /** Streams and environment. */
  readonly io: CliIo;
}

/** Lazily builds the {@link Context}: called inside an action, after options are parsed. */
export type ContextFactory = () => Context;

/**
 * Builds the context; a non-loopback endpoint, or any endpoint with `--sign`, gets a SigV4 signer
 * over the AWS credential chain.
 */
export function createContext(options: GlobalOptions, io: CliIo): Context {
  const setting = chooseEndpoint(options.endpoint, io.env);
  const endpoint = parseEndpoint(setting.text, setting.source);
  const signer =
    endpoint.loopback && options.sign !== true
      ? undefined
      : sigV4Signer({ region: resolveRegion(endpoint, options.region, io.env) });
  return {
    client: new BrokerClient({ endpoint, signer }),
    out: new Output(io, options.json === true),
    io,
  };
}

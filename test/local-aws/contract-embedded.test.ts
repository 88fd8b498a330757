import { embeddedEndpoint, externalEndpoint } from '../support/endpoints.js';
import { ALL_MOTO_DIVERGENCES, type Divergence } from '../support/moto.js';
import { awsContract } from './contract.js';

// CONTRACT_SECRETS_MANAGER_ENDPOINT (and CONTRACT_SSM_ENDPOINT) point the suite at another
// endpoint instead; CONTRACT_DIVERGENCES=moto applies moto's known divergences to it.
const external = externalEndpoint();
if (external === undefined) {
  awsContract('embedded', () => embeddedEndpoint());
} else {
  const divergences =
    process.env.CONTRACT_DIVERGENCES === 'moto' ? ALL_MOTO_DIVERGENCES : new Set<Divergence>();
  awsContract(external.name, async () => external, divergences);
}

import { embeddedEndpoint, externalEndpoint } from '../support/endpoints.js';
import { awsContract, type Divergence, MOTO_DIVERGENCES } from './contract.js';

// CONTRACT_SECRETS_MANAGER_ENDPOINT (and CONTRACT_SSM_ENDPOINT) point the suite at another
// endpoint instead; CONTRACT_DIVERGENCES=moto applies moto's known divergences to it.
const external = externalEndpoint();
if (external === undefined) {
  awsContract('embedded', () => embeddedEndpoint());
} else {
  const divergences =
    process.env.CONTRACT_DIVERGENCES === 'moto'
      ? new Set(Object.keys(MOTO_DIVERGENCES) as Divergence[])
      : new Set<Divergence>();
  awsContract(external.name, async () => external, divergences);
}

import { embeddedEndpoint, externalEndpoint } from '../support/endpoints.js';
import { onMoto } from '../support/moto.js';
import { storeContract } from './store-contract.js';

storeContract('embedded local endpoint', () => embeddedEndpoint());

onMoto('SecretsManagerStore contract (moto_server)', (start, divergences) =>
  storeContract('moto_server', start, divergences),
);

const external = externalEndpoint();
if (external !== undefined) storeContract(external.name, async () => external);

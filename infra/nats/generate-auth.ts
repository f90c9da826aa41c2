import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ampool/bootstrap';
import { clusterNodeConfig, localCluster } from './cluster';
import { authorizationConfig } from './permissions';

/**
 * `npm run nats:config`: writes infra/nats/ampool-auth.conf from the permission model, and the
 * three node configurations of the local 3-node cluster (infra/nats/cluster/).
 */
const dir = join(repoRoot(), 'infra', 'nats');
writeFileSync(join(dir, 'ampool-auth.conf'), authorizationConfig());
const nodes = localCluster();
for (const node of nodes) {
  writeFileSync(join(dir, 'cluster', `${node.name}.conf`), clusterNodeConfig(node, nodes, { authInclude: '../ampool-auth.conf' }));
}
process.stdout.write(`wrote ${dir}/ampool-auth.conf and cluster/${nodes.map((n) => `${n.name}.conf`).join(', ')}\n`);

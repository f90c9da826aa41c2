import { repoRoot } from '@ampool/bootstrap';

export { repoRoot };

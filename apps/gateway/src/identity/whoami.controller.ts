import { Controller, Get } from '@nestjs/common';
import { Access, Caller } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';

/** Who the gateway thinks the caller is: a way for clients to check their credentials. */
@Controller('v1/whoami')
export class WhoamiController {
  @Get()
  @Access('participant', 'device', 'operator')
  whoami(@Caller() caller: Principal) {
    switch (caller.kind) {
      case 'participant':
        return { kind: caller.kind, did: caller.did, role: caller.role, status: caller.status, key: caller.keyId };
      case 'device':
        return { kind: caller.kind, did: caller.did, owner: caller.owner, key: caller.keyId };
      case 'operator':
        return { kind: caller.kind, id: caller.operatorId, email: caller.email };
      default:
        return { kind: caller.kind };
    }
  }
}

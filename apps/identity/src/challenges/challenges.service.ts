import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { uuidv7 } from '@ampool/domain';
import { checkedPublicKey } from '../keys/public-key';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config';
import { ChallengesRepository } from './challenges.repository';

/** Issues single-use registration challenges and clears out expired ones. */
@Injectable()
export class ChallengesService implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly challenges: ChallengesRepository,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.challenges.purgeExpired(new Date()).catch(() => undefined), 10 * 60_000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async create(publicKey: string): Promise<{ challengeId: string; challenge: string; expiresAt: Date }> {
    const key = checkedPublicKey(publicKey);
    const c = { id: uuidv7(), publicKey: key.bytes, challenge: randomBytes(32).toString('base64url'), expiresAt: new Date(Date.now() + this.config.CHALLENGE_TTL_SECONDS * 1000) };
    await this.challenges.insert(c);
    return { challengeId: c.id, challenge: c.challenge, expiresAt: c.expiresAt };
  }
}

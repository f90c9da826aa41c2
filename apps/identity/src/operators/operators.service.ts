import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppError, ErrorCode, type OperatorView } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { UnitOfWork } from '@ampool/messaging';
import { AuditRepository } from '../audit/audit.repository';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config';
import { OperatorsRepository } from './operators.repository';
import { decoyHash, hashPassword, verifyPassword } from './password';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Operator accounts for the browser: password login and sessions, every login audited. */
@Injectable()
export class OperatorsService implements OnModuleInit {
  private readonly logger = new Logger(OperatorsService.name);

  constructor(
    private readonly operators: OperatorsRepository,
    private readonly audit: AuditRepository,
    private readonly uow: UnitOfWork,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /** Creates the bootstrap operator, or resets its password to the configured one. */
  async onModuleInit(): Promise<void> {
    const { BOOTSTRAP_OPERATOR_EMAIL: email, BOOTSTRAP_OPERATOR_PASSWORD: password } = this.config;
    if (!email || !password) return;
    const passwordHash = await hashPassword(password);
    await this.uow.run(async (tx) => {
      await this.operators.upsert(tx, { id: uuidv7(), email: email.toLowerCase(), passwordHash });
      await this.audit.append(tx, { actor: 'system', action: 'operator.bootstrap', target: email.toLowerCase() });
    });
    this.logger.log(`operator account ${email} is ready`);
  }

  async login(email: string, password: string): Promise<{ token: string; expiresAt: Date; operator: OperatorView }> {
    const account = await this.operators.findByEmail(email);
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
    if (!account || !ok) {
      await this.uow.run((tx) => this.audit.append(tx, { actor: 'anonymous', action: 'operator.login-failed', target: email }));
      throw new AppError(ErrorCode.LOGIN_FAILED, 'wrong email or password');
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.SESSION_TTL_MINUTES * 60_000);
    await this.uow.run(async (tx) => {
      await this.operators.createSession(tx, { tokenHash: tokenHash(token), operatorId: account.id, expiresAt });
      await this.audit.append(tx, { actor: `operator:${account.id}`, action: 'operator.login', target: account.email });
    });
    const { passwordHash: _, ...operator } = account;
    return { token, expiresAt, operator };
  }

  async resolveSession(token: string): Promise<{ operator: OperatorView; expiresAt: Date }> {
    const live = await this.operators.findLiveSession(tokenHash(token), new Date());
    if (!live) throw new AppError(ErrorCode.SESSION_INVALID, 'the session is unknown, expired or ended');
    return live;
  }

  async endSession(token: string): Promise<boolean> {
    return this.uow.run(async (tx) => {
      const operatorId = await this.operators.endSession(tx, tokenHash(token));
      if (operatorId) await this.audit.append(tx, { actor: `operator:${operatorId}`, action: 'operator.logout', target: operatorId });
      return operatorId !== null;
    });
  }
}

import { Injectable } from '@nestjs/common';
import type { DeviceType, DeviceView } from '@ampool/contracts';
import { PrismaClient, type Db, type Tx } from '@ampool/persistence';

type Row = { did: string; owner: string; type: string; powerW: bigint; capacityWh: bigint; reserveWh: bigint; status: string; currentKey: string; createdAt: Date };

function toView(r: Row): DeviceView {
  return {
    did: r.did,
    owner: r.owner,
    type: r.type as DeviceType,
    powerW: r.powerW,
    capacityWh: r.capacityWh,
    reserveWh: r.reserveWh,
    status: r.status as DeviceView['status'],
    currentKey: r.currentKey,
    createdAt: r.createdAt,
  };
}

/** The `identity.device` table. */
@Injectable()
export class DevicesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async find(did: string, db: Db = this.prisma): Promise<DeviceView | null> {
    const r = await db.device.findUnique({ where: { did } });
    return r ? toView(r) : null;
  }

  async listByOwner(owner: string): Promise<DeviceView[]> {
    const rows = await this.prisma.device.findMany({ where: { owner }, orderBy: { createdAt: 'asc' }, take: 200 });
    return rows.map(toView);
  }

  async countByOwner(tx: Tx, owner: string): Promise<number> {
    return tx.device.count({ where: { owner } });
  }

  async insert(tx: Tx, d: DeviceView & { ownerSignature: Uint8Array<ArrayBuffer>; deviceSignature: Uint8Array<ArrayBuffer> }): Promise<void> {
    await tx.device.create({
      data: {
        did: d.did, owner: d.owner, type: d.type, powerW: d.powerW, capacityWh: d.capacityWh, reserveWh: d.reserveWh,
        status: d.status, currentKey: d.currentKey, ownerSignature: d.ownerSignature, deviceSignature: d.deviceSignature, createdAt: d.createdAt,
      },
    });
  }

  async setCurrentKey(tx: Tx, did: string, key: string): Promise<void> {
    await tx.device.update({ where: { did }, data: { currentKey: key } });
  }

  /** Revokes every device of an owner; returns their dids. */
  async revokeAllOf(tx: Tx, owner: string): Promise<string[]> {
    const rows = await tx.device.findMany({ where: { owner, status: 'active' }, select: { did: true } });
    await tx.device.updateMany({ where: { owner, status: 'active' }, data: { status: 'revoked' } });
    return rows.map((r) => r.did);
  }

  async revoke(tx: Tx, did: string): Promise<void> {
    await tx.device.updateMany({ where: { did, status: 'active' }, data: { status: 'revoked' } });
  }
}

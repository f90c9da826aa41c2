import { Injectable } from '@nestjs/common';
import type { DeviceStatus, DeviceType, DeviceView } from '@ampool/contracts';
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

  /** One page in did order, after `after`. */
  async list(filter: { owner?: string; status?: DeviceStatus; after?: string; limit: number }): Promise<DeviceView[]> {
    const rows = await this.prisma.device.findMany({
      where: { owner: filter.owner, status: filter.status, did: filter.after ? { gt: filter.after } : undefined },
      orderBy: { did: 'asc' },
      take: filter.limit,
    });
    return rows.map(toView);
  }

  /** Locks the device row for a status change. */
  async lock(tx: Tx, did: string): Promise<DeviceView | null> {
    const rows = await tx.$queryRawUnsafe<Row[]>(
      `SELECT did, owner, type, power_w AS "powerW", capacity_wh AS "capacityWh", reserve_wh AS "reserveWh", status,
              current_key AS "currentKey", created_at AS "createdAt"
       FROM identity.device WHERE did = $1 FOR UPDATE`,
      did,
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async setStatus(tx: Tx, did: string, status: DeviceStatus): Promise<DeviceView> {
    return toView(await tx.device.update({ where: { did }, data: { status } }));
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
    const live = { owner, status: { in: ['active', 'suspended'] } };
    const rows = await tx.device.findMany({ where: live, select: { did: true } });
    await tx.device.updateMany({ where: live, data: { status: 'revoked' } });
    return rows.map((r) => r.did);
  }

  async revoke(tx: Tx, did: string): Promise<void> {
    await tx.device.updateMany({ where: { did, status: { in: ['active', 'suspended'] } }, data: { status: 'revoked' } });
  }
}

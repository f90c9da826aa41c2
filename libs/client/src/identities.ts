import { deviceBindingStatement, keyRotationStatement, registrationStatement, type DeviceType, type ParticipantRole } from '@ampool/contracts';
import { didKeyFromPublicKey, generateKeyPair, signEd25519 } from '@ampool/crypto';
import type { SigningKey } from '@ampool/http-signature';
import type { AmpoolClient, Credentials } from './ampool-client';

/** A key pair with its did:key, as a participant or device holds it. */
export interface KeyHolder extends SigningKey {
  publicKey: Uint8Array;
  /** The public key as the API wants it: base64url of the 32 bytes. */
  publicKeyB64: string;
}

/** A fresh Ed25519 key pair. */
export function newKeyHolder(): KeyHolder {
  const { publicKey, secretKey } = generateKeyPair();
  return { keyId: didKeyFromPublicKey(publicKey), secretKey, publicKey, publicKeyB64: Buffer.from(publicKey).toString('base64url') };
}

/** Credentials that sign with this key. */
export function signingWith(holder: SigningKey): Credentials {
  return { key: { keyId: holder.keyId, secretKey: holder.secretKey } };
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

export interface RegisteredParticipant {
  did: string;
  status: string;
  key: KeyHolder;
}

/** Registers a participant: asks for a challenge, signs it with the new key, registers. */
export async function registerParticipant(
  client: AmpoolClient,
  role: ParticipantRole,
  displayName: string,
  key: KeyHolder = newKeyHolder(),
): Promise<RegisteredParticipant> {
  const { challengeId, challenge } = await client.post<{ challengeId: string; challenge: string }>('/v1/identity/challenges', { publicKey: key.publicKeyB64 });
  const signature = b64(signEd25519(key.secretKey, registrationStatement({ challenge, publicKey: key.publicKeyB64, role, displayName })));
  const { participant } = await client.post<{ participant: { did: string; status: string } }>('/v1/participants', {
    publicKey: key.publicKeyB64, role, displayName, challengeId, signature,
  });
  return { did: participant.did, status: participant.status, key };
}

/** Binds a new device to its owner: both keys sign the binding; the owner signs the request. */
export async function registerDevice(
  client: AmpoolClient,
  owner: { did: string; key: SigningKey },
  type: DeviceType,
  ratings: { powerW: bigint; capacityWh: bigint; reserveWh: bigint },
  device: KeyHolder = newKeyHolder(),
): Promise<{ did: string; key: KeyHolder }> {
  const fields = { powerW: ratings.powerW.toString(), capacityWh: ratings.capacityWh.toString(), reserveWh: ratings.reserveWh.toString() };
  const statement = deviceBindingStatement({ device: device.keyId, owner: owner.did, type, ...fields });
  const res = await client.post<{ device: { did: string } }>(
    '/v1/devices',
    {
      owner: owner.did, publicKey: device.publicKeyB64, type, ...fields,
      ownerSignature: b64(signEd25519(owner.key.secretKey, statement)),
      deviceSignature: b64(signEd25519(device.secretKey, statement)),
    },
    signingWith(owner.key),
  );
  return { did: res.device.did, key: device };
}

/** Replaces a subject's key: the old key signs the request and the statement, the new key the statement. */
export async function rotateKey(client: AmpoolClient, subject: string, oldKey: SigningKey, newKey: KeyHolder = newKeyHolder()): Promise<KeyHolder> {
  const statement = keyRotationStatement({ subject, oldKey: oldKey.keyId, newKey: newKey.keyId });
  await client.post(
    '/v1/keys/rotate',
    { subject, newPublicKey: newKey.publicKeyB64, oldKeySignature: b64(signEd25519(oldKey.secretKey, statement)), newKeySignature: b64(signEd25519(newKey.secretKey, statement)) },
    signingWith(oldKey),
  );
  return newKey;
}

/** Logs an operator in; returns the session cookie (name=value) to send back. */
export async function loginOperator(client: AmpoolClient, email: string, password: string): Promise<Credentials> {
  const res = await client.send('POST', '/v1/operator/login', { email, password });
  if (res.status !== 200) throw new Error(`operator login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('operator login answered without a session cookie');
  return { sessionCookie: cookie };
}

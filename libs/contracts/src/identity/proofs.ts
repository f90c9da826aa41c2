import { canonicalJson } from '@ampool/crypto';

/**
 * The exact bytes a key signs to prove something to identity. Each statement is a fixed,
 * versioned prefix followed by the canonical JSON (RFC 8785) of its fields, so a signature
 * made for one purpose can never be replayed as another.
 */
const encoder = new TextEncoder();

function statement(domain: string, fields: Record<string, unknown>): Uint8Array {
  return encoder.encode(`${domain}\n${canonicalJson(fields)}`);
}

/** Proof of possession at registration: the new key signs the server's challenge and what it asks for. */
export function registrationStatement(f: { challenge: string; publicKey: string; role: string; displayName: string }): Uint8Array {
  return statement('ampool/register/v1', f);
}

/** A device bound to its owner: signed by the owner's key and by the device's own key. */
export function deviceBindingStatement(f: {
  device: string;
  owner: string;
  type: string;
  powerW: string;
  capacityWh: string;
  reserveWh: string;
}): Uint8Array {
  return statement('ampool/device-binding/v1', f);
}

/** A key replaced by another: signed by the old key (authority) and the new one (possession). */
export function keyRotationStatement(f: { subject: string; oldKey: string; newKey: string }): Uint8Array {
  return statement('ampool/key-rotation/v1', f);
}

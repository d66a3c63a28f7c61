import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { DeviceError } from '../../electron/core/devices/errors.ts';
import type { Receipt } from '../../electron/core/devices/receipt.ts';

export const tempDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'devices-'));

/** The journal as it is on disk, not as the simulator holds it in memory. */
export function journalOnDisk(file: string): { version: number; device: string; records: Record<string, { outcome: { status: string } | null }> } {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export const cardReceipt: Receipt = {
  kioskId: 'KIOSK-001',
  branch: { id: 'MAD-01', name: 'Madrid Gran Vía', timeZone: 'Europe/Madrid' },
  issuedAt: '2026-11-20T10:05:09.000Z',
  transactionNo: '0199A1B2-7C3D-7E4F-8A5B-6C7D8E9F0A1B',
  accountNo: '4000000002',
  currency: 'EUR',
  amountMinor: 123450,
  method: { kind: 'card', cardBrand: 'VISA', cardLast4: '4242', authorizationCode: 'A1B2C3' },
  paid: {
    bills: [
      { billNo: 'B-2026-10-0002', amountMinor: 100000 },
      { billNo: 'B-2026-11-0002', amountMinor: 23000 },
    ],
    creditOnAccountMinor: 450,
  },
  balanceAfterMinor: -450,
  staffId: 'S-0042',
  language: 'en',
};

export const cashReceipt: Receipt = {
  kioskId: 'KIOSK-001',
  branch: { id: 'MAD-01', name: 'Madrid Gran Vía', timeZone: 'Europe/Madrid' },
  issuedAt: '2026-11-20T23:30:00.000Z',
  transactionNo: 'TX-000123',
  accountNo: '4000000010',
  currency: 'EUR',
  amountMinor: 4234,
  method: { kind: 'cash', insertedMinor: 4300, changeMinor: 66 },
  paid: { bills: [{ billNo: 'B-2026-11-0010', amountMinor: 4234 }], creditOnAccountMinor: 0 },
  balanceAfterMinor: 1500,
  language: 'en',
};

/** The DeviceError a device call rejects with (fails the test if it resolves or throws anything else). */
export async function rejection(promise: Promise<unknown>): Promise<DeviceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

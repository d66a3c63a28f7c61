import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { HubUrl, hubUrlProblem } from '../../../shared/hub-url.ts';
import { SyncError } from './transport.ts';
import type { KeyStore } from '../security/key-store.ts';

/** What a kiosk keeps after enrolling: where its hub is, who the hub says it is, and its secret. */
export const HubCredential = z
  .object({
    hubUrl: HubUrl,
    deviceId: z.string().min(1).max(64),
    branchId: z.string().min(1).max(20),
    credential: z.string().min(20).max(200),
  })
  .strict();
export type HubCredential = z.infer<typeof HubCredential>;

/** Where the credential lives: the Electron shell passes one backed by the OS keychain (safeStorage) where there is one. */
export interface CredentialStore {
  read(): HubCredential | null;
  write(credential: HubCredential): void;
}

/**
 * The credential in a file only this user can read, for hosts without an OS keychain (the
 * browser host, a headless kiosk). Written to a temporary file and renamed, so a crash leaves the
 * old credential or the new one, never half of one.
 */
export class FileCredentialStore implements CredentialStore {
  readonly #dir: string;
  readonly #file: string;

  /** `dir`: the kiosk's key folder (security/key-store.ts keyDirFor), not its data folder: a copy of that must not reach the hub. */
  constructor(dir: string) {
    this.#dir = dir;
    this.#file = path.join(dir, 'hub-credential.json');
  }

  read(): HubCredential | null {
    if (!existsSync(this.#file)) return null;
    const parsed = HubCredential.safeParse(JSON.parse(readFileSync(this.#file, 'utf8')));
    if (!parsed.success) throw new Error(`${this.#file} is not a hub credential; enrol this kiosk again`);
    return parsed.data;
  }

  write(credential: HubCredential): void {
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, JSON.stringify(HubCredential.parse(credential)), { mode: 0o600 });
    chmodSync(tmp, 0o600); // the mode is only applied when the file is created
    renameSync(tmp, this.#file);
  }
}

const EnrolAnswer = z.object({ deviceId: z.string().min(1), branchId: z.string().min(1), credential: z.string().min(20), branchPinKey: z.string().regex(/^[0-9a-f]{64}$/) });
const HubRefusal = z.object({ error: z.object({ message: z.string() }) });

/**
 * Trades a one-time enrolment code for this kiosk's device credential and keeps it, with the
 * branch's PIN key (the verifiers headquarters sends are keyed with it); the kiosk's audit key goes
 * to the hub, which verifies this kiosk's audit chain with it. A code made
 * for another branch is refused here and nothing is kept: a kiosk set up for one branch must
 * never read or write another's customers.
 */
export async function enrolWithHub(options: {
  hubUrl: string;
  code: string;
  deviceName: string;
  branchId: string;
  store: CredentialStore;
  keys: KeyStore;
  /** The event number this kiosk's audit chain is keyed from (auditChainKey; 1 for a ledger made since). */
  auditKeyedFrom: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): Promise<HubCredential> {
  const doFetch = options.fetch ?? fetch;
  // Refused before the code is sent: an enrolment code over plain http is a credential for whoever listens.
  const problem = hubUrlProblem(options.hubUrl);
  if (problem !== null) throw new SyncError('protocol', problem);
  let response: Response;
  try {
    response = await doFetch(new URL('/sync/v1/enrol', options.hubUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: options.code, deviceName: options.deviceName, auditKey: options.keys.keys().audit.toString('hex'), auditKeyedFrom: options.auditKeyedFrom }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (err) {
    throw new SyncError('offline', `the hub did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = HubRefusal.safeParse(body).data?.error.message ?? `the hub refused the enrolment (${response.status})`;
    throw new SyncError(response.status === 401 ? 'unauthorized' : response.status >= 500 ? 'offline' : 'protocol', message);
  }
  const answer = EnrolAnswer.safeParse(body);
  if (!answer.success) throw new SyncError('protocol', 'the answer from the hub is not an enrolment');
  if (answer.data.branchId !== options.branchId) {
    throw new SyncError('protocol', `that code enrols a kiosk of branch ${answer.data.branchId}; this kiosk is set up for ${options.branchId}`);
  }
  const { branchPinKey, ...identity } = answer.data;
  const credential: HubCredential = { hubUrl: options.hubUrl, ...identity };
  options.keys.setBranchPinKey(Buffer.from(branchPinKey, 'hex'));
  options.store.write(credential);
  return credential;
}

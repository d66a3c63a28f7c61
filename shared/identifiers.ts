/** Account numbers are 10 digits whose last digit is a Luhn check digit, so a mistyped or misread number is caught. */
export const ACCOUNT_NUMBER_LENGTH = 10;

export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function makeAccountNumber(serial: number): string {
  const payload = String(serial).padStart(ACCOUNT_NUMBER_LENGTH - 1, '0');
  return payload + String(luhnCheckDigit(payload));
}

export function isAccountNumber(text: string): boolean {
  if (!/^\d+$/.test(text) || text.length !== ACCOUNT_NUMBER_LENGTH) return false;
  return luhnCheckDigit(text.slice(0, -1)) === Number(text.slice(-1));
}

export type SignInIdentifier = { kind: 'account'; accountNo: string } | { kind: 'phone'; e164: string };

/**
 * Reads what the customer typed or scanned: an account number, or a phone number
 * (national digits get the operator's country code). Returns null when it is neither.
 */
export function parseSignInIdentifier(raw: string, countryCallingCode: string): SignInIdentifier | null {
  const compact = raw.replace(/[\s\-().]/g, '');
  if (isAccountNumber(compact)) return { kind: 'account', accountNo: compact };
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else digits = countryCallingCode + compact;
  if (!/^\d{8,15}$/.test(digits)) return null;
  return { kind: 'phone', e164: `+${digits}` };
}

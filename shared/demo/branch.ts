/**
 * The demo branch: the kiosk's default settings and the hub's demo data both use it, so the
 * README's accounts and PINs work on either (same generator, same seed, same branch).
 */
export const demoBranch = {
  id: 'MAD-01',
  name: 'Madrid Gran Vía',
  currency: 'EUR',
  countryCallingCode: '34',
  timeZone: 'Europe/Madrid',
  seed: 20261126,
  customers: 500,
} as const;

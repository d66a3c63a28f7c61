import type { CatalogInput, UsageTariffInput } from './catalog.ts';

/**
 * The demo operator's catalog (a Spanish convergent operator, EUR, VAT 21%). Shipped as data and
 * validated by `Catalog` wherever it is loaded. Rates: minor units per MB, per minute, per SMS.
 */
const always = { startDate: '2020-01-01' };
const roaming = {
  Z2: { dataPerMB: 20, voicePerMin: 60, smsPerSms: 30 },
  Z3: { dataPerMB: 100, voicePerMin: 150, smsPerSms: 50 },
};

function mobile(id: string, name: string, fees: { amountMinor: number; validFor: { startDate: string; endDate?: string } }[], usage: UsageTariffInput, extra: object = {}) {
  return {
    '@type': 'ProductOffering' as const,
    id,
    name,
    description: `${name} mobile line`,
    kind: 'mobile' as const,
    category: 'plan' as const,
    lifecycleStatus: 'Active' as const,
    validFor: always,
    taxCategory: 'VAT-STD',
    productOfferingPrice: [
      ...fees.map((f) => ({ priceType: 'recurring' as const, recurringChargePeriod: 'month' as const, ...f })),
      { priceType: 'oneTime' as const, chargeEvent: 'activation' as const, amountMinor: 0, validFor: always },
    ],
    usage: { roaming, ...usage },
    ...extra,
  };
}

function flat(id: string, kind: 'broadband' | 'tv' | 'fixed', name: string, monthlyMinor: number, extra: object = {}) {
  return {
    '@type': 'ProductOffering' as const,
    id,
    name,
    description: name,
    kind,
    category: 'plan' as const,
    lifecycleStatus: 'Active' as const,
    validFor: always,
    taxCategory: 'VAT-STD',
    productOfferingPrice: [{ priceType: 'recurring' as const, recurringChargePeriod: 'month' as const, amountMinor: monthlyMinor, validFor: always }],
    ...extra,
  };
}

const activation = (amountMinor: number) => ({ priceType: 'oneTime' as const, chargeEvent: 'activation' as const, amountMinor, validFor: always });
const tvBases = ['TV-ESS', 'TV-PLUS'];

export const demoCatalogData = {
  id: 'ONEBILL-ES-2026',
  currency: 'EUR',
  taxCategories: [
    { id: 'VAT-STD', name: 'VAT 21%', rateBps: 2100 },
    { id: 'IPS', name: 'Insurance premium tax 8%', rateBps: 800 },
    { id: 'NOT-SUBJECT', name: 'Not subject to VAT', rateBps: 0 },
  ],
  roamingZones: [
    { id: 'EU', name: 'EU and EEA', roamLikeAtHome: true },
    { id: 'Z2', name: 'Rest of Europe, USA and Canada', roamLikeAtHome: false },
    { id: 'Z3', name: 'Rest of the world', roamLikeAtHome: false },
  ],
  fees: { latePayment: { amountMinor: 500, taxCategory: 'NOT-SUBJECT', graceDays: 0 } },
  productOffering: [
    mobile('MOB-PAYG', 'Mobile Pay As You Go', [{ amountMinor: 300, validFor: always }], {
      data: { allowanceMB: 0, rounding: 'perKB', overage: [{ upTo: null, rateMinor: 2 }] },
      voice: { allowanceMin: 0, rounding: 'perSecond', overage: [{ upTo: null, rateMinor: 10 }], destinations: { international: 45 } },
      sms: { allowance: 0, overage: [{ upTo: null, rateMinor: 9 }] },
    }),
    mobile('MOB-XS', 'Mobile XS 3 GB', [{ amountMinor: 700, validFor: always }], {
      data: { allowanceMB: 3 * 1024, rounding: 'perMB', overage: [{ upTo: 1024, rateMinor: 2 }, { upTo: null, rateMinor: 1 }] },
      voice: { allowanceMin: 100, rounding: 'perMinute', overage: [{ upTo: null, rateMinor: 9 }], destinations: { international: 35 } },
      sms: { allowance: 50, overage: [{ upTo: null, rateMinor: 9 }] },
    }),
    mobile(
      'MOB-S',
      'Mobile S 10 GB',
      [
        { amountMinor: 1100, validFor: { startDate: '2020-01-01', endDate: '2026-06-30' } },
        { amountMinor: 1200, validFor: { startDate: '2026-07-01' } },
      ],
      {
        data: { allowanceMB: 10 * 1024, rounding: 'perKB', overage: [{ upTo: 1024, rateMinor: 2 }, { upTo: null, rateMinor: 1 }], zeroRated: ['messaging'] },
        voice: { allowanceMin: 300, rounding: 'perSecond', overage: [{ upTo: null, rateMinor: 8 }], destinations: { international: 30 } },
        sms: { allowance: 100, overage: [{ upTo: null, rateMinor: 9 }] },
      },
    ),
    mobile('MOB-M', 'Mobile M 30 GB', [{ amountMinor: 2000, validFor: always }], {
      data: { allowanceMB: 30 * 1024, rounding: 'perKB', overage: [{ upTo: null, rateMinor: 1 }], zeroRated: ['messaging', 'music'] },
      voice: { allowanceMin: null, rounding: 'perSecond', overage: [{ upTo: null, rateMinor: 0 }], destinations: { international: 20 } },
      sms: { allowance: null, overage: [{ upTo: null, rateMinor: 0 }] },
    }),
    mobile('MOB-L', 'Mobile L 100 GB', [{ amountMinor: 2800, validFor: always }], {
      data: { allowanceMB: 100 * 1024, rounding: 'perKB', overage: [{ upTo: null, rateMinor: 1 }], zeroRated: ['messaging', 'music', 'video'] },
      voice: { allowanceMin: null, rounding: 'perSecond', overage: [{ upTo: null, rateMinor: 0 }], destinations: { international: 15 } },
      sms: { allowance: null, overage: [{ upTo: null, rateMinor: 0 }] },
    }),
    mobile(
      'MOB-UNL',
      'Mobile Unlimited',
      [{ amountMinor: 3500, validFor: always }],
      {
        data: { allowanceMB: null, rounding: 'perKB', overage: [{ upTo: null, rateMinor: 0 }] },
        voice: { allowanceMin: null, rounding: 'perSecond', overage: [{ upTo: null, rateMinor: 0 }], destinations: { international: 10 } },
        sms: { allowance: null, overage: [{ upTo: null, rateMinor: 0 }] },
        roaming: { Z2: { dataPerMB: 5, voicePerMin: 25, smsPerSms: 15 }, Z3: { dataPerMB: 50, voicePerMin: 99, smsPerSms: 30 } },
      },
      { commitmentMonths: 12 },
    ),
    {
      ...mobile('MOB-CLASSIC', 'Mobile Classic 8 GB', [{ amountMinor: 1500, validFor: always }], {
        data: { allowanceMB: 8 * 1024, rounding: 'perMB', overage: [{ upTo: null, rateMinor: 2 }] },
        voice: { allowanceMin: 200, rounding: 'perMinute', overage: [{ upTo: null, rateMinor: 12 }], destinations: { international: 40 } },
        sms: { allowance: 100, overage: [{ upTo: null, rateMinor: 12 }] },
      }),
      lifecycleStatus: 'Retired' as const,
      validFor: { startDate: '2020-01-01', endDate: '2025-12-31' },
    },
    {
      '@type': 'ProductOffering' as const,
      id: 'MOB-INSURE',
      name: 'Phone insurance',
      description: 'Theft, loss and damage cover for the handset on this line',
      kind: 'mobile' as const,
      category: 'addOn' as const,
      addOnTo: ['MOB-XS', 'MOB-S', 'MOB-M', 'MOB-L', 'MOB-UNL', 'MOB-CLASSIC'],
      lifecycleStatus: 'Active' as const,
      validFor: always,
      taxCategory: 'IPS',
      productOfferingPrice: [{ priceType: 'recurring' as const, recurringChargePeriod: 'month' as const, amountMinor: 600, validFor: always }],
    },
    flat('BB-300', 'broadband', 'Fibre 300 Mb', 3000, { downloadMbps: 300, productOfferingPrice: [{ priceType: 'recurring', recurringChargePeriod: 'month', amountMinor: 3000, validFor: always }, activation(3000)] }),
    flat('BB-600', 'broadband', 'Fibre 600 Mb', 3800, { downloadMbps: 600, commitmentMonths: 12 }),
    flat('BB-1G', 'broadband', 'Fibre 1 Gb', 4500, { downloadMbps: 1000, commitmentMonths: 12 }),
    flat('TV-ESS', 'tv', 'TV Essentials', 1500, { channels: 80 }),
    flat('TV-PLUS', 'tv', 'TV Plus', 2500, { channels: 140 }),
    flat('TV-SPORTS', 'tv', 'Sports add-on', 1800, { category: 'addOn', addOnTo: tvBases, channels: 12 }),
    flat('TV-KIDS', 'tv', 'Kids add-on', 500, { category: 'addOn', addOnTo: tvBases, channels: 8 }),
    flat('TV-CINEMA', 'tv', 'Cinema add-on', 900, { category: 'addOn', addOnTo: tvBases, channels: 6 }),
    flat('FIX-HOME', 'fixed', 'Home Phone 1000 min', 1000, {
      usage: {
        voice: { allowanceMin: 1000, rounding: 'perSecond', overage: [{ upTo: null, rateMinor: 2 }], destinations: { mobile: 9, international: 30 } },
      },
    }),
    flat('FIX-BASIC', 'fixed', 'Home Phone Basic', 500, {
      usage: {
        voice: {
          allowanceMin: 0,
          rounding: 'perMinute',
          overage: [{ upTo: 100, rateMinor: 3 }, { upTo: null, rateMinor: 2 }],
          destinations: { mobile: 12, international: 40 },
        },
      },
    }),
  ],
  discounts: [
    { id: 'BUNDLE-DUO', name: 'Fibre + Mobile discount', validFor: always, benefit: { type: 'fixed', amountMinor: 500 }, condition: { type: 'bundle', kinds: ['broadband', 'mobile'] } },
    { id: 'BUNDLE-TRIO', name: 'Fibre + Mobile + TV discount', validFor: always, benefit: { type: 'percent', bps: 1000 }, condition: { type: 'bundle', kinds: ['broadband', 'mobile', 'tv'] } },
    { id: 'BUNDLE-FAMILY', name: 'Family lines discount', validFor: always, benefit: { type: 'percent', bps: 1500 }, condition: { type: 'bundle', kinds: ['mobile', 'mobile', 'mobile'] } },
    { id: 'LOYALTY-3Y', name: 'Loyalty discount (3 years with us)', validFor: always, benefit: { type: 'percent', bps: 500 }, condition: { type: 'loyalty', minTenureMonths: 36 } },
    { id: 'PROMO-FIBRE-HALF', name: 'Fibre at half price for 6 months', validFor: { startDate: '2025-01-01', endDate: '2027-06-30' }, benefit: { type: 'percent', bps: 5000 }, condition: { type: 'promotion', offeringIds: ['BB-600', 'BB-1G'], months: 6 } },
  ],
} satisfies CatalogInput;

import type { ChangeOf } from '../../../shared/changes.ts';

type Offering = Omit<ChangeOf<'offering.upsert'>, 'type' | 'currency'>;

/** The demo operator's catalog: prices in minor units, tax excluded. */
export const demoCatalog: readonly Offering[] = [
  {
    id: 'MOB-S',
    name: 'Mobile S 5 GB',
    kind: 'mobile',
    recurringMinor: 1200,
    allowances: [
      { type: 'data', unit: 'MB', quantity: 5 * 1024 },
      { type: 'voice', unit: 'min', quantity: 200 },
      { type: 'sms', unit: 'SMS', quantity: 100 },
    ],
  },
  {
    id: 'MOB-M',
    name: 'Mobile M 25 GB',
    kind: 'mobile',
    recurringMinor: 2000,
    allowances: [
      { type: 'data', unit: 'MB', quantity: 25 * 1024 },
      { type: 'voice', unit: 'min', quantity: null },
      { type: 'sms', unit: 'SMS', quantity: null },
    ],
  },
  {
    id: 'MOB-UNL',
    name: 'Mobile Unlimited',
    kind: 'mobile',
    recurringMinor: 3500,
    allowances: [
      { type: 'data', unit: 'MB', quantity: null },
      { type: 'voice', unit: 'min', quantity: null },
      { type: 'sms', unit: 'SMS', quantity: null },
    ],
  },
  { id: 'BB-300', name: 'Fibre 300 Mb', kind: 'broadband', recurringMinor: 3000, allowances: [] },
  { id: 'BB-1G', name: 'Fibre 1 Gb', kind: 'broadband', recurringMinor: 4500, allowances: [] },
  { id: 'TV-ESS', name: 'TV Essentials', kind: 'tv', recurringMinor: 1500, allowances: [] },
  { id: 'TV-PLUS', name: 'TV Plus Sports', kind: 'tv', recurringMinor: 2800, allowances: [] },
  { id: 'FIX-HOME', name: 'Home Phone', kind: 'fixed', recurringMinor: 1000, allowances: [{ type: 'voice', unit: 'min', quantity: 1000 }] },
];

/** VAT applied to every demo charge, in basis points (21%). */
export const DEMO_TAX_BPS = 2100;

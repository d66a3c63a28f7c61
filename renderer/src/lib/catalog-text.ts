import type { TextKey } from '../../../shared/i18n/types.ts';
import type { Translator } from '../../../shared/i18n/translator.ts';

/**
 * The catalogue's descriptive names (discounts, roaming zones) in the customer's language, by
 * catalogue id. Plan and extra names are brand names and stay as the catalogue spells them; an id
 * the message files do not know (a catalogue published after this build) shows its catalogue name.
 */
const discounts: Readonly<Record<string, TextKey>> = {
  'BUNDLE-DUO': 'catalog.discount.BUNDLE-DUO',
  'BUNDLE-TRIO': 'catalog.discount.BUNDLE-TRIO',
  'BUNDLE-FAMILY': 'catalog.discount.BUNDLE-FAMILY',
  'PROMO-FIBRE-HALF': 'catalog.discount.PROMO-FIBRE-HALF',
};
const zones: Readonly<Record<string, TextKey>> = {
  EU: 'catalog.zone.EU',
  Z2: 'catalog.zone.Z2',
  Z3: 'catalog.zone.Z3',
};

function named(keys: Readonly<Record<string, TextKey>>, id: string | undefined, catalogueName: string, tr: Translator): string {
  const key = id === undefined ? undefined : keys[id];
  return key === undefined ? catalogueName : tr.t(key);
}

export const discountName = (id: string | undefined, catalogueName: string, tr: Translator): string => named(discounts, id, catalogueName, tr);
export const zoneName = (id: string | undefined, catalogueName: string, tr: Translator): string => named(zones, id, catalogueName, tr);

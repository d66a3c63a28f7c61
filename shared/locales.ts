import { z } from 'zod';

/** Languages the kiosk speaks; Arabic is the right-to-left one. */
export const languages = ['en', 'es', 'ar'] as const;
export const Language = z.enum(languages);
export type Language = z.infer<typeof Language>;

export const textDirection: Record<Language, 'ltr' | 'rtl'> = { en: 'ltr', es: 'ltr', ar: 'rtl' };

/** Locale for numbers, money, dates and times, on screen and on paper alike (the `lang` attribute stays the bare language). */
export const formatLocales: Readonly<Record<Language, string>> = { en: 'en-GB', es: 'es-ES', ar: 'ar' };

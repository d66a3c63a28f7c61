import type { Language } from '../locales.ts';

/** Name and address parts for demo customers, by language. */
export const givenNames: Record<Language, readonly string[]> = {
  es: ['Lucía', 'Hugo', 'Martina', 'Mateo', 'Sofía', 'Leo', 'Julia', 'Pablo', 'Valeria', 'Daniel', 'Carmen', 'Javier', 'Elena', 'Álvaro', 'Paula', 'Diego'],
  en: ['Olivia', 'James', 'Emily', 'Thomas', 'Grace', 'Oliver', 'Hannah', 'George', 'Chloe', 'Samuel'],
  ar: ['Omar', 'Layla', 'Youssef', 'Fatima', 'Karim', 'Nour', 'Hassan', 'Amina', 'Rami', 'Salma'],
};

export const familyNames: Record<Language, readonly string[]> = {
  es: ['García', 'Martínez', 'López', 'Sánchez', 'Pérez', 'Gómez', 'Fernández', 'Ruiz', 'Díaz', 'Moreno', 'Álvarez', 'Romero', 'Navarro', 'Torres'],
  en: ['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Evans', 'Walker', 'Wright', 'Hughes', 'Clarke'],
  ar: ['El Amrani', 'Benali', 'Haddad', 'Khalil', 'Mansour', 'Saleh', 'Nasser', 'Aziz', 'Farouk', 'Hamdi'],
};

export const streets: readonly string[] = [
  'Calle Mayor',
  'Gran Vía',
  'Calle de Alcalá',
  'Paseo de la Castellana',
  'Calle de Atocha',
  'Calle de Serrano',
  'Calle de Toledo',
  'Calle de Bravo Murillo',
  'Calle de Fuencarral',
  'Avenida de América',
];

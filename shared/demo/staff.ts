import type { StaffRole } from '../domain/staff-role.ts';

/** The demo branch's store staff (README lists them): two agents and a supervisor. Their PINs are hashed when seeded. */
export const demoStaff: readonly { id: string; name: string; role: StaffRole; pin: string }[] = [
  { id: 'AG-1001', name: 'Lucía Martín', role: 'agent', pin: '2468' },
  { id: 'AG-1002', name: 'Karim Benali', role: 'agent', pin: '8642' },
  { id: 'SV-2001', name: 'Omar Haddad', role: 'supervisor', pin: '1357' },
];

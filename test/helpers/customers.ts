/** Demo customers tests sign in as (the demo generator's showcase accounts). No vitest here: child-process fixtures import it too. */
export const JAMES = { identifier: '4000000002', pin: '1234' };
export const ELENA = { identifier: '4000000010', pin: '2468' };

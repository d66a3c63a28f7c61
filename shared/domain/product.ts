import { z } from 'zod';

/** What a service is (TMF637 product specification family). */
export const ProductKind = z.enum(['mobile', 'broadband', 'tv', 'fixed']);
export type ProductKind = z.infer<typeof ProductKind>;
/** TMF637 product status. */
export const ProductStatus = z.enum(['active', 'suspended', 'pendingActive', 'pendingTerminate', 'terminated']);
export type ProductStatus = z.infer<typeof ProductStatus>;

/** The external-reference system an imported file's id column belongs to unless told otherwise. */
export const DEFAULT_REF_SYSTEM = 'ref';

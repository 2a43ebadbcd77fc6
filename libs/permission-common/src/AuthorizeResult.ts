/**
 * The results of a permission evaluation: allowed, denied, or allowed under conditions.
 *
 * @public
 */
export const AuthorizeResult = {
  DENY: 'DENY',
  ALLOW: 'ALLOW',
  CONDITIONAL: 'CONDITIONAL',
} as const;

/** @public */
export type AuthorizeResult = (typeof AuthorizeResult)[keyof typeof AuthorizeResult];

/** @public */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace AuthorizeResult {
  type ALLOW = typeof AuthorizeResult.ALLOW;
  type DENY = typeof AuthorizeResult.DENY;
  type CONDITIONAL = typeof AuthorizeResult.CONDITIONAL;
}

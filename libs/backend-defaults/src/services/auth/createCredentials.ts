import { Credentials, PrincipalTypes } from '@trellis/backend-plugin-api';

/** Wraps a principal into credentials. @public */
export function createCredentials<TPrincipal extends PrincipalTypes[keyof PrincipalTypes]>(
  principal: TPrincipal,
  expiresAt?: Date,
): Credentials<TPrincipal> {
  return {
    $$type: '@trellis/Credentials',
    principal,
    ...(expiresAt ? { expiresAt } : {}),
  };
}

/** Whether a value is credentials made by an auth service. @public */
export function isCredentials(value: unknown): value is Credentials {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Credentials).$$type === '@trellis/Credentials' &&
    typeof (value as Credentials).principal === 'object'
  );
}

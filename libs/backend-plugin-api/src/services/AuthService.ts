import type { Request } from 'express';
import type { JsonObject } from './ConfigService';

/** A signed-in user. @public */
export interface UserPrincipal {
  type: 'user';
  /** Entity ref of the user, such as `user:default/jane`. */
  userEntityRef: string;
  /** The plugin that acts on behalf of the user, when the request came from one. */
  actor?: { subject: string };
}

/** What a service token may access. @public */
export interface AccessRestrictions {
  plugins?: string[];
}

/** Another plugin or an external caller with a service token. @public */
export interface ServicePrincipal {
  type: 'service';
  /** `plugin:<pluginId>` for plugins, or the subject of an external token. */
  subject: string;
  accessRestrictions?: AccessRestrictions;
}

/** No credentials were presented. @public */
export interface NonePrincipal {
  type: 'none';
}

/** The principal types by name. @public */
export type PrincipalTypes = {
  user: UserPrincipal;
  service: ServicePrincipal;
  none: NonePrincipal;
};

/** Verified credentials of a caller. @public */
export interface Credentials<TPrincipal = UserPrincipal | ServicePrincipal | NonePrincipal> {
  $$type: '@trellis/Credentials';
  principal: TPrincipal;
  expiresAt?: Date;
}

/**
 * Tokens and credentials of the plugin: verify incoming tokens, mint tokens to call other plugins.
 *
 * @public
 */
export interface AuthService {
  authenticate(token: string, options?: { allowLimitedAccess?: boolean }): Promise<Credentials>;
  isPrincipal<TType extends keyof PrincipalTypes>(
    credentials: Credentials,
    type: TType,
  ): credentials is Credentials<PrincipalTypes[TType]>;
  getNoneCredentials(): Promise<Credentials<NonePrincipal>>;
  getOwnServiceCredentials(): Promise<Credentials<ServicePrincipal>>;
  getPluginRequestToken(options: {
    onBehalfOf: Credentials;
    targetPluginId: string;
  }): Promise<{ token: string }>;
  /** The public keys that verify this plugin's tokens, as a JSON Web Key Set. */
  listPublicServiceKeys(): Promise<{ keys: JsonObject[] }>;
}

/**
 * Credentials of incoming HTTP requests.
 *
 * @public
 */
export interface HttpAuthService {
  credentials<TAllowed extends keyof PrincipalTypes = 'user' | 'service' | 'none'>(
    req: Request,
    options?: { allow?: TAllowed[] },
  ): Promise<Credentials<PrincipalTypes[TAllowed]>>;
}

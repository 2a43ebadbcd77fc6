import type { Request, Response } from 'express';
import type { PermissionAttributes } from '@trellis/plugin-permission-common';
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
  /** Only these permissions may be granted to the principal (at least one name). */
  permissionNames?: string[];
  /** Only permissions with these attributes may be granted to the principal. */
  permissionAttributes?: { action?: Array<Required<PermissionAttributes>['action']> };
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
  /**
   * Verifies a token: a plugin token addressed to this plugin, an external static token or a
   * token of a trusted identity provider. Throws `AuthenticationError` for a token that is not
   * valid here and `NotAllowedError` for a valid token whose access restrictions exclude this
   * plugin. A limited user token (see {@link AuthService.getLimitedUserToken}) is accepted only
   * with `allowLimitedAccess: true`; otherwise it is an `AuthenticationError`.
   */
  authenticate(token: string, options?: { allowLimitedAccess?: boolean }): Promise<Credentials>;
  isPrincipal<TType extends keyof PrincipalTypes>(
    credentials: Credentials,
    type: TType,
  ): credentials is Credentials<PrincipalTypes[TType]>;
  getNoneCredentials(): Promise<Credentials<NonePrincipal>>;
  /** Credentials of this plugin itself, `plugin:<pluginId>`, for calls it makes on its own. */
  getOwnServiceCredentials(): Promise<Credentials<ServicePrincipal>>;
  /**
   * A short-lived token for calling plugin `targetPluginId`. On behalf of a user, the target sees
   * that user (with this plugin as actor); on behalf of a service, it sees this plugin. Throws
   * `AuthenticationError` for `none` credentials.
   */
  getPluginRequestToken(options: { onBehalfOf: Credentials; targetPluginId: string }): Promise<{ token: string }>;
  /**
   * A limited user token for the user of `credentials`, as the user cookie carries it: it names
   * only the user, is signed with this plugin's keys, is accepted by this plugin only where
   * limited access is allowed (a `user-cookie` auth policy, `allowLimitedAccess`), and expires
   * with the user's credentials, at most an hour from now. Throws `AuthenticationError` for
   * `none` credentials and `NotAllowedError` for service credentials.
   */
  getLimitedUserToken(credentials: Credentials<UserPrincipal>): Promise<{ token: string; expiresAt: Date }>;
  /** The public keys that verify this plugin's tokens, as a JSON Web Key Set. */
  listPublicServiceKeys(): Promise<{ keys: JsonObject[] }>;
}

/**
 * Credentials of incoming HTTP requests, from `Authorization: Bearer <token>` or, where limited
 * access is allowed, from the user cookie; a request without either has `none` credentials.
 *
 * @public
 */
export interface HttpAuthService {
  /**
   * The caller's credentials, limited to the `allow`ed principal types (all by default). Throws
   * `AuthenticationError` (401) for missing or invalid credentials and `NotAllowedError` (403)
   * for a principal type that is not allowed. With `allowLimitedAccess`, the user cookie and
   * limited user tokens are accepted too; without it they are refused (401).
   */
  credentials<TAllowed extends keyof PrincipalTypes = 'user' | 'service' | 'none'>(
    req: Request,
    options?: { allow?: TAllowed[]; allowLimitedAccess?: boolean },
  ): Promise<Credentials<PrincipalTypes[TAllowed]>>;
  /**
   * Sets the user cookie on `res`: a limited user token for the user who made the request (or
   * for `options.credentials`), HttpOnly, scoped to the plugin's base path, SameSite=Strict,
   * Secure when the plugin's external URL is https. Keeps a cookie of the same user that is
   * valid for more than five more minutes. `none` credentials delete the cookie. Call it before
   * anything is written to `res`.
   */
  issueUserCookie(res: Response, options?: { credentials?: Credentials }): Promise<{ expiresAt: Date }>;
}

/** Backstage's name for {@link Credentials}. @public */
export type BackstageCredentials<TPrincipal = UserPrincipal | ServicePrincipal | NonePrincipal> =
  Credentials<TPrincipal>;
/** Backstage's name for {@link UserPrincipal}. @public */
export type BackstageUserPrincipal = UserPrincipal;
/** Backstage's name for {@link ServicePrincipal}. @public */
export type BackstageServicePrincipal = ServicePrincipal;
/** Backstage's name for {@link NonePrincipal}. @public */
export type BackstageNonePrincipal = NonePrincipal;
/** Backstage's name for {@link PrincipalTypes}. @public */
export type BackstagePrincipalTypes = PrincipalTypes;
/** Backstage's name for {@link AccessRestrictions}. @public */
export type BackstagePrincipalAccessRestrictions = AccessRestrictions;

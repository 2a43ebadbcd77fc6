import type { Credentials } from './AuthService';

/** Who a user is and on whose behalf they own things. @public */
export interface UserInfo {
  /** Such as `user:default/jane`. */
  userEntityRef: string;
  /** The user's own ref and the groups they belong to, such as `group:default/payments`. */
  ownershipEntityRefs: string[];
}

/**
 * Facts about the user behind credentials: from the user token's `ent` claim when it has one,
 * else from the user's entity in the catalog.
 *
 * @public
 */
export interface UserInfoService {
  /** Throws `InputError` for credentials that are not a user's. */
  getUserInfo(credentials: Credentials): Promise<UserInfo>;
}

/**
 * The location an entity was read from, as a location ref: `url:https://...` or `file:/abs/path`.
 * The catalog reads it to pass processors the entity's location.
 *
 * @public
 */
export const ANNOTATION_LOCATION = 'backstage.io/managed-by-location';

/**
 * The registered or configured location whose reading led to this entity; it differs from
 * {@link ANNOTATION_LOCATION} when a `Location` entity pointed further.
 *
 * @public
 */
export const ANNOTATION_ORIGIN_LOCATION = 'backstage.io/managed-by-origin-location';

/** Where the entity's source lives (a repository folder, say), as a location ref. @public */
export const ANNOTATION_SOURCE_LOCATION = 'backstage.io/source-location';

/** A URL where the entity's definition can be viewed. @public */
export const ANNOTATION_VIEW_URL = 'backstage.io/view-url';

/** A URL where the entity's definition can be edited. @public */
export const ANNOTATION_EDIT_URL = 'backstage.io/edit-url';

/** The API server of a Kubernetes cluster a `Resource` entity describes. @public */
export const ANNOTATION_KUBERNETES_API_SERVER = 'kubernetes.io/api-server';

/** The certificate authority of that API server. @public */
export const ANNOTATION_KUBERNETES_API_SERVER_CA = 'kubernetes.io/api-server-certificate-authority';

/** How to authenticate to that API server. @public */
export const ANNOTATION_KUBERNETES_AUTH_PROVIDER = 'kubernetes.io/auth-provider';

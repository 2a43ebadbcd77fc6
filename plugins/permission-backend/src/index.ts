/**
 * The permission plugin of Trellis.
 *
 * @packageDocumentation
 */
export { permissionPlugin as default } from './plugin';

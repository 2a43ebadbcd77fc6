/**
 * The todo plugin of Trellis.
 *
 * @packageDocumentation
 */
export { todoPlugin as default } from './plugin';

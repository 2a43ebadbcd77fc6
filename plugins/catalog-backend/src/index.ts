/**
 * The software catalog backend plugin.
 *
 * @packageDocumentation
 */
export { catalogPlugin as default } from './plugin';

/**
 * The example plugin of Trellis.
 *
 * @packageDocumentation
 */
export { examplePlugin as default } from './plugin';
